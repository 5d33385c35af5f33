// Chat-completions replies as a broken or hostile OpenAI-compatible server sends them: wrong types in
// every field of a completion and of its stream chunks, near-JSON, arbitrary bodies and statuses.
import fc from 'fast-check';
import type { FakeRawReply } from '@tinyagent/testing';
import { argumentText, junk, nearJson, toolName, wrongOr } from './reply-arbitraries.ts';

const wireToolCall = fc.record(
  {
    index: wrongOr(fc.nat({ max: 3 })),
    id: wrongOr(fc.string({ maxLength: 12 })),
    type: wrongOr(fc.constant('function')),
    function: wrongOr(fc.record({ name: wrongOr(toolName), arguments: wrongOr(argumentText) }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);

const wireMessage = fc.record(
  {
    role: wrongOr(fc.constant('assistant')),
    content: wrongOr(fc.option(fc.string({ maxLength: 100 }))),
    tool_calls: wrongOr(fc.array(wireToolCall, { maxLength: 4 })),
  },
  { requiredKeys: [] },
);

const finishReason = wrongOr(fc.constantFrom('stop', 'length', 'tool_calls', 'content_filter', 'function_call', null));

const usage = wrongOr(
  fc.record(
    { prompt_tokens: wrongOr(fc.nat()), completion_tokens: wrongOr(fc.nat()), total_tokens: wrongOr(fc.nat()) },
    { requiredKeys: [] },
  ),
);

// A completion or a chunk of one: the same fields, the reply under `message` or under `delta`.
function wireReply(object: string, replyField: 'message' | 'delta'): fc.Arbitrary<Record<string, unknown>> {
  const choice = fc.record(
    { index: wrongOr(fc.nat({ max: 2 })), [replyField]: wireMessage, finish_reason: finishReason },
    { requiredKeys: [] },
  );
  return fc.record(
    {
      id: wrongOr(fc.string({ maxLength: 10 })),
      object: wrongOr(fc.constant(object)),
      model: wrongOr(fc.string({ maxLength: 10 })),
      choices: wrongOr(fc.array(choice, { maxLength: 3 })),
      usage,
    },
    { requiredKeys: [] },
  );
}

/** A `chat.completion` object with any field missing or of the wrong type. */
const wireCompletion: fc.Arbitrary<Record<string, unknown>> = wireReply('chat.completion', 'message');

/** A `chat.completion.chunk` object with any field missing or of the wrong type. */
const wireChunk: fc.Arbitrary<Record<string, unknown>> = wireReply('chat.completion.chunk', 'delta');

const sseLine = fc.oneof(
  { weight: 5, arbitrary: wireChunk.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`) },
  {
    weight: 1,
    arbitrary: nearJson(wireChunk.map((chunk) => JSON.stringify(chunk))).map((text) => `data: ${text}\n\n`),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((text) => `${text}\n\n`) },
  { weight: 1, arbitrary: junk.map((value) => `event: error\ndata: ${JSON.stringify({ error: value })}\n\n`) },
);

/** A reply body as the fake server sends it: JSON of any shape, near-JSON, text or server-sent events. */
export const rawReply: fc.Arbitrary<FakeRawReply> = fc.oneof(
  { weight: 6, arbitrary: wireCompletion.map((body) => ({ raw: JSON.stringify(body) })) },
  { weight: 2, arbitrary: nearJson(wireCompletion.map((body) => JSON.stringify(body))).map((raw) => ({ raw })) },
  { weight: 1, arbitrary: junk.map((value) => ({ raw: JSON.stringify(value) })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 100 }).map((raw) => ({ raw, contentType: 'text/plain' })) },
  {
    weight: 4,
    arbitrary: fc.tuple(fc.array(sseLine, { maxLength: 6 }), fc.boolean()).map(([lines, done]) => ({
      raw: lines.join('') + (done ? 'data: [DONE]\n\n' : ''),
      contentType: 'text/event-stream',
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(200, 201, 204, 301, 400, 404, 418, 500, 502), fc.string({ maxLength: 40 }))
      .map(([status, raw]) => ({ raw, status })),
  },
);
