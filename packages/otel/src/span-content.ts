import type { Exception } from '@opentelemetry/api';
import { redactSecrets } from '@tinyagent/core';

/** How message content reaches spans: not at all (the default), or redacted and cut to `maxLength`. */
export interface ContentPolicy {
  capture: boolean;
  maxLength: number;
}

/** Text for an attribute: known secrets redacted, cut to `maxLength` characters with a marker. */
export function boundedText(text: string, maxLength: number): string {
  // Redacted whole, then cut: a cut made first could split a key, and the part before the cut would
  // then pass redaction (which matches whole keys) and reach the span.
  const redacted = redactSecrets(text);
  if (redacted.length <= maxLength) return redacted;
  return `${redacted.slice(0, maxLength)}…[truncated]`;
}

/** A value as JSON text for an attribute (a string stays itself); redacted and bounded. */
export function boundedJson(value: unknown, maxLength: number): string {
  if (typeof value === 'string') return boundedText(value, maxLength);
  let text: string;
  try {
    // Undefined for a value JSON has no form for (undefined, a function), whatever its type says.
    const json = JSON.stringify(value) as string | undefined;
    text = json ?? String(value);
  } catch {
    text = '[value with no JSON form]';
  }
  return boundedText(text, maxLength);
}

/**
 * The GenAI conventions' message shape for one text message, as the JSON of `gen_ai.*.messages`;
 * an output message (`finishReason` given) says why the model stopped, as the schema requires.
 */
export function textMessages(role: string, text: string, maxLength: number, finishReason?: string): string {
  const parts = [{ type: 'text', content: boundedText(text, maxLength) }];
  return JSON.stringify([finishReason === undefined ? { role, parts } : { role, parts, finish_reason: finishReason }]);
}

/** What `replyMessages` reads of a model's reply. */
export interface ReplyContent {
  content: string | null;
  toolCalls: readonly { id: string; name: string; arguments: unknown }[];
  finishReason: string;
}

/**
 * A model's reply as the JSON of `gen_ai.output.messages`, about `maxLength` characters long: the
 * text and each call's arguments are cut inside their parts, so the attribute stays JSON of the
 * conventions' schema (a cut through the JSON would not parse); calls past the length are left out,
 * and a last text part says how many.
 */
export function replyMessages(reply: ReplyContent, maxLength: number): string {
  let left = maxLength;
  const parts: unknown[] = [];
  const add = (part: object): void => {
    parts.push(part);
    left -= JSON.stringify(part).length;
  };
  if (reply.content !== null) add({ type: 'text', content: boundedText(reply.content, left) });
  for (const [index, call] of reply.toolCalls.entries()) {
    if (left <= 0) {
      parts.push({ type: 'text', content: `…[truncated: ${reply.toolCalls.length - index} more tool calls]` });
      break;
    }
    const id = boundedName(call.id);
    const name = boundedName(call.name);
    const room = Math.max(left - id.length - name.length, 0);
    add({ type: 'tool_call', id, name, arguments: boundedJson(call.arguments, room) });
  }
  return JSON.stringify([{ role: 'assistant', parts, finish_reason: reply.finishReason }]);
}

// Error messages and stacks are for developers and never off, but they may quote secrets: redacted,
// and bounded like content, since a thrown message can be as large as the tool wants.
const ERROR_TEXT_LIMIT = 2_000;

/** An error as a span's exception event: its name, its redacted message and stack. */
export function exceptionOf(error: Error): Exception {
  return {
    name: error.name,
    message: boundedText(error.message, ERROR_TEXT_LIMIT),
    ...(error.stack === undefined ? {} : { stack: boundedText(error.stack, ERROR_TEXT_LIMIT * 4) }),
  };
}

// Names and ids a model or its server chose (a tool's name, a call's id, the model that answered)
// are on spans whatever the content policy, in span names too: redacted, and bounded, since a reply
// can make them as long as it likes.
const NAME_LIMIT = 256;

/** A name or id from a model's reply, for a span's name or attribute: redacted and short. */
export function boundedName(text: string): string {
  return boundedText(text, NAME_LIMIT);
}

/** An error's message for a span status: redacted and short. */
export function statusMessage(text: string): string {
  return boundedText(text, 500);
}
