// The JSON the fake server writes, shaped exactly like OpenAI's chat completions API.
import type { Usage } from '@tinyagent/core';
import type { NormalizedReply } from './replies.ts';

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
  const message: Record<string, unknown> = { role: 'assistant', content: reply.content, refusal: null };
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

/**
 * The `chat.completion.chunk` objects of a streamed reply: a role chunk, the content in pieces, each
 * tool call as a header chunk plus argument pieces, the finish chunk, and a usage chunk on request.
 */
export function completionChunks(
  reply: NormalizedReply,
  id: string,
  model: string,
  includeUsage: boolean,
): Record<string, unknown>[] {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> => ({
    id,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const chunks = [chunk({ role: 'assistant', content: reply.content === null ? null : '' })];
  for (const piece of splitText(reply.content ?? '')) chunks.push(chunk({ content: piece }));
  reply.toolCalls.forEach((call, index) => {
    chunks.push(
      chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
    );
    for (const piece of splitText(call.arguments)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, reply.finishReason));
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

// Three pieces at most: enough to prove that clients reassemble deltas, cheap for benchmarks.
function splitText(text: string): string[] {
  if (text === '') return [];
  const size = Math.max(1, Math.ceil(text.length / 3));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

/** An OpenAI-shaped error body. */
export function errorBody(message: string, type: string, code: string | null): Record<string, unknown> {
  return { error: { message, type, param: null, code } };
}

/** The OpenAI error `type` conventionally sent with a status. */
export function errorTypeFor(status: number): string {
  if (status === 401) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
