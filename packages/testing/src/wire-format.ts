// The JSON the fake server writes, shaped exactly like OpenAI's chat completions API.
import type { Usage } from '@tinyagent/core';
import type { NormalizedReply } from '@tinyagent/core/internal';

const CREATED = 1_700_000_000;

function wireUsage(usage: Usage): Record<string, number> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
  };
}

function wireToolCalls(reply: NormalizedReply): Record<string, unknown>[] {
  return reply.toolCalls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
}

/** A complete `chat.completion` object. */
export function completionBody(reply: NormalizedReply, id: string, model: string): Record<string, unknown> {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: wholeContent(reply),
    refusal: reply.refusal ?? null,
    ...reasoningField(reply, reply.reasoning),
  };
  if (reply.toolCalls.length > 0) message.tool_calls = wireToolCalls(reply);
  return {
    id,
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason }],
    ...(reply.usage === undefined ? {} : { usage: wireUsage(reply.usage) }),
  };
}

// The text the content carries: the answer, behind `<think>` tags when reasoning travels in them.
function contentText(reply: NormalizedReply): string | null {
  if (reply.wire.reasoning !== 'think_tags' || reply.reasoning === undefined) return reply.content;
  return `<think>${reply.reasoning}</think>\n\n${reply.content ?? ''}`;
}

function wholeContent(reply: NormalizedReply): unknown {
  const text = contentText(reply);
  const thinking = reply.wire.reasoning === 'content_parts' ? reply.reasoning : undefined;
  if (reply.wire.contentParts !== true && thinking === undefined) return text;
  return [...(thinking === undefined ? [] : [thinkingPart(thinking)]), ...(text === null ? [] : [textPart(text)])];
}

function textPart(text: string): Record<string, unknown> {
  return { type: 'text', text };
}

function thinkingPart(text: string): Record<string, unknown> {
  return { type: 'thinking', thinking: [{ type: 'text', text }] };
}

// The field beside the content that holds reasoning, for the providers that send it there.
function reasoningField(reply: NormalizedReply, text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  const where = reply.wire.reasoning ?? 'reasoning_content';
  return where === 'reasoning_content' || where === 'reasoning' ? { [where]: text } : {};
}

/**
 * The `chat.completion.chunk` objects of a streamed reply: a role chunk, the reasoning and the
 * content in pieces, each tool call as a header chunk plus argument pieces, the finish chunk, and a
 * usage chunk on request; `reply.wire` reshapes them as the provider it imitates would. Text comes
 * in pieces of `chunkSize` characters (default: three pieces).
 */
export function completionChunks(
  reply: NormalizedReply,
  id: string,
  model: string,
  includeUsage: boolean,
  chunkSize?: number,
): Record<string, unknown>[] {
  const splitText = (text: string): string[] => pieces(text, chunkSize);
  const { wire } = reply;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> => ({
    id,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    // OpenAI sends `usage: null` on every chunk but the last when usage was asked for.
    ...(includeUsage ? { usage: null } : {}),
  });
  const text = contentText(reply);
  const chunks = [chunk({ role: 'assistant', content: text === null ? null : '' })];
  for (const piece of splitText(reply.reasoning ?? '')) {
    if (wire.reasoning === 'content_parts') chunks.push(chunk({ content: [thinkingPart(piece)] }));
    else if (wire.reasoning !== 'think_tags') chunks.push(chunk(reasoningField(reply, piece)));
  }
  for (const piece of splitText(text ?? '')) {
    chunks.push(chunk({ content: wire.contentParts === true ? [textPart(piece)] : piece }));
  }
  for (const piece of splitText(reply.refusal ?? '')) chunks.push(chunk({ refusal: piece }));
  reply.toolCalls.forEach((call, position) => {
    const index = wire.callsAtIndexZero === true ? 0 : position;
    chunks.push(
      chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
    );
    for (const piece of splitText(call.arguments)) {
      const sameCall = wire.emptyIdsAfterFirst === true ? { id: '' } : {};
      chunks.push(chunk({ tool_calls: [{ index, ...sameCall, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, wire.noFinishReason === true ? null : reply.finishReason));
  if (includeUsage && reply.usage !== undefined) {
    chunks.push({
      id,
      object: 'chat.completion.chunk',
      created: CREATED,
      model,
      choices: [],
      usage: wireUsage(reply.usage),
    });
  }
  return chunks;
}

// Pieces of `chunkSize` characters; by default three pieces at most, enough to prove that clients
// reassemble deltas and cheap for benchmarks.
function pieces(text: string, chunkSize: number | undefined): string[] {
  if (text === '') return [];
  const size = Math.max(1, chunkSize ?? Math.ceil(text.length / 3));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

/** An OpenAI-shaped error body. */
export function errorBody(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): Record<string, unknown> {
  return { error: { message, type, param, code } };
}

/** The OpenAI error `type` conventionally sent with a status. */
export function errorTypeFor(status: number): string {
  if (status === 401) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
