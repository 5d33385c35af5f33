import { ModelCallError, OpenAIChatModel } from '@tinyagent/core';
import type { ChatRequest, ChatResponse } from '@tinyagent/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from './fake-openai-server.ts';
import type { FakeOpenAIServer, FakeResponse } from './fake-openai-server.ts';

// Replies as real providers send them, where they differ from OpenAI's, through core's model seam
// on the real openai SDK over real HTTP: each shape JSON and streamed.

let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ask: ChatRequest = { messages: [{ role: 'user', content: 'What is 17 × 23?' }] };

async function complete(reply: FakeResponse, streaming: boolean): Promise<ChatResponse> {
  server = await startFakeOpenAI({ script: [reply, reply, reply] });
  const model = new OpenAIChatModel({ model: 'fake-model', baseURL: server.url, streaming, retryDelayMs: 1 });
  return model.complete(ask);
}

async function failure(reply: FakeResponse, streaming: boolean): Promise<ModelCallError> {
  const error = await complete(reply, streaming).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(ModelCallError.isInstance(error)).toBe(true);
  return error as ModelCallError;
}

describe.each([
  ['JSON', false],
  ['streamed', true],
])('provider replies, %s', (_mode, streaming) => {
  it('reads content sent as an array of text parts (Mistral) as the whole text', async () => {
    const reply = await complete({ content: '391', wire: { contentParts: true } }, streaming);

    expect(reply.content).toBe('391');
    expect(reply.reasoning).toBeUndefined();
  });

  it('keeps thinking parts (Magistral) as reasoning, out of the content', async () => {
    const reply = await complete(
      {
        content: '391',
        reasoning: '17 × 23 = 17 × 20 + 17 × 3',
        wire: { reasoning: 'content_parts', contentParts: true },
      },
      streaming,
    );

    expect(reply.content).toBe('391');
    expect(reply.reasoning).toBe('17 × 23 = 17 × 20 + 17 × 3');
  });

  it.each(['reasoning_content', 'reasoning', 'think_tags'] as const)(
    'keeps reasoning sent as %s apart from the answer',
    async (where) => {
      const reply = await complete(
        { content: '391', reasoning: 'multiply it out', wire: { reasoning: where } },
        streaming,
      );

      expect(reply.content).toBe('391');
      expect(reply.reasoning).toBe('multiply it out');
    },
  );

  it('keeps a refusal on the response', async () => {
    const reply = await complete({ content: null, refusal: "I can't help with that." }, streaming);

    expect(reply.refusal).toBe("I can't help with that.");
  });

  it('reports the content filter as the finish reason', async () => {
    const reply = await complete({ content: '', finishReason: 'content_filter' }, streaming);

    expect(reply.finishReason).toBe('content_filter');
  });

  it('keeps the status and both messages of an error a gateway relays (OpenRouter 429), without a doubled full stop', async () => {
    const error = await failure(
      {
        streamError: {
          message: 'Provider returned error',
          code: 429,
          metadata: { raw: 'qwen3 is temporarily rate-limited upstream.', provider_name: 'Chutes' },
        },
        content: 'The answer is',
      },
      streaming,
    );

    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('Provider returned error');
    expect(error.message).toContain('Chutes says qwen3 is temporarily rate-limited upstream');
    expect(error.message).not.toContain('..');
    expect(server!.requestCount).toBe(3);
  });
});

describe('provider error bodies', () => {
  it('quotes an error given as a bare string (Hugging Face TGI), which says what to change', async () => {
    const reason = 'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 5000';
    const error = await failure(
      { raw: JSON.stringify({ error: reason, error_type: 'validation' }), status: 422 },
      false,
    );

    expect(error.status).toBe(422);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`The model server rejected the request with 422: ${reason}.`);
  });

  it('quotes a bare string error sent in the middle of a stream', async () => {
    const raw = 'data: {"error":"The backend worker crashed."}\n\n';
    const error = await failure({ raw, contentType: 'text/event-stream' }, true);

    expect(error.message).toBe(
      'The model server sent an error in the middle of its reply: The backend worker crashed.',
    );
  });
});

describe('streamed provider replies', () => {
  const calls = [
    { id: 'call_a', name: 'add', arguments: { a: 1, b: 2 } },
    { id: 'call_b', name: 'add', arguments: { a: 3, b: 4 } },
  ];

  it('keeps the first id of a tool call whose later fragments carry an empty id (Qwen)', async () => {
    const reply = await complete({ toolCalls: calls, wire: { emptyIdsAfterFirst: true } }, true);

    expect(reply.toolCalls).toEqual([
      { id: 'call_a', name: 'add', arguments: '{"a":1,"b":2}' },
      { id: 'call_b', name: 'add', arguments: '{"a":3,"b":4}' },
    ]);
  });

  it('tells apart calls that all arrive at index 0 by their ids', async () => {
    const reply = await complete(
      { toolCalls: calls, wire: { callsAtIndexZero: true, emptyIdsAfterFirst: true } },
      true,
    );

    expect(reply.toolCalls.map((call) => [call.id, call.arguments])).toEqual([
      ['call_a', '{"a":1,"b":2}'],
      ['call_b', '{"a":3,"b":4}'],
    ]);
  });

  it('takes a stream that ends with [DONE] but no finish reason as complete, without retrying', async () => {
    const text = await complete({ content: 'done', wire: { noFinishReason: true } }, true);
    expect(text.content).toBe('done');
    expect(text.finishReason).toBe('stop');
    expect(server!.requestCount).toBe(1);
    await server?.close();

    const tools = await complete({ toolCalls: calls, wire: { noFinishReason: true } }, true);
    expect(tools.finishReason).toBe('tool_calls');
    expect(server!.requestCount).toBe(1);
  });

  it('reads a Mistral stream whose first text chunk is a part list and the rest strings', async () => {
    const chunk = (delta: unknown, finish: string | null = null): string =>
      `data: ${JSON.stringify({ id: 'x', model: 'magistral', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const raw =
      chunk({ role: 'assistant', content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'carry the 1' }] }] }) +
      chunk({ content: [{ type: 'text', text: '3' }] }) +
      chunk({ content: '91' }) +
      chunk({}, 'stop') +
      'data: [DONE]\n\n';

    const reply = await complete({ raw, contentType: 'text/event-stream' }, true);

    expect(reply.content).toBe('391');
    expect(reply.reasoning).toBe('carry the 1');
  });
});
