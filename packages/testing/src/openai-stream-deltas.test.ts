import { OpenAIChatModel } from '@tinyagent/core';
import type { ChatRequest, ModelDelta, ModelRetry, OpenAIChatModelOptions } from '@tinyagent/core';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs } from './capture-logs.ts';
import { startFakeOpenAI } from './fake-openai-server.ts';
import type { FakeOpenAIOptions, FakeOpenAIServer } from './fake-openai-server.ts';

// Core's delta seam (ChatRequest.onDelta) on the real openai SDK, against the fake server over loopback.

let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: FakeOpenAIOptions, modelOptions: OpenAIChatModelOptions = {}): Promise<OpenAIChatModel> {
  server = await startFakeOpenAI(options);
  return new OpenAIChatModel({
    model: 'fake-model',
    apiKey: 'sk-unused-000000',
    baseURL: server.url,
    retryDelayMs: 1,
    ...modelOptions,
  });
}

function collect(): { deltas: ModelDelta[]; request: ChatRequest } {
  const deltas: ModelDelta[] = [];
  return {
    deltas,
    request: { messages: [{ role: 'user', content: 'Go.' }], onDelta: (delta) => void deltas.push(delta) },
  };
}

function joined(deltas: readonly ModelDelta[], type: 'text' | 'reasoning', attempt = 1): string {
  return deltas
    .filter((delta) => delta.type === type && delta.attempt === attempt)
    .map((delta) => (delta.type === 'tool-call' ? '' : delta.text))
    .join('');
}

describe('OpenAIChatModel with onDelta', () => {
  it('streams the reply in pieces, even with streaming off, and returns the same reply as without', async () => {
    const text = 'The capital of France is Paris.';
    const model = await start({ script: [text, text], chunkSize: 4 });
    const { deltas, request } = collect();

    const streamed = await model.complete(request);
    const whole = await model.complete({ messages: request.messages });

    expect(server?.requests.map((entry) => entry.body.stream ?? false)).toEqual([true, false]);
    expect(deltas.length).toBe(Math.ceil(text.length / 4));
    expect(joined(deltas, 'text')).toBe(text);
    expect(streamed).toEqual(whole);
  });

  it('sends reasoning apart from text, from a reasoning field and from think tags', async () => {
    const model = await start({
      script: [
        { content: 'Paris.', reasoning: 'France, capital.' },
        { content: 'Paris.', reasoning: 'France, capital.', wire: { reasoning: 'think_tags' } },
      ],
      chunkSize: 3,
    });

    for (let call = 0; call < 2; call += 1) {
      const { deltas, request } = collect();
      const reply = await model.complete(request);

      expect(joined(deltas, 'reasoning').trim()).toBe('France, capital.');
      expect(joined(deltas, 'text').trim()).toBe('Paris.');
      expect(reply).toMatchObject({ content: 'Paris.', reasoning: 'France, capital.' });
    }
  });

  it('sends tool calls as an id and name, then the arguments in pieces, each call at its own index', async () => {
    const model = await start({
      script: [
        {
          toolCalls: [
            { name: 'add', arguments: { a: 2, b: 3 } },
            { name: 'mul', arguments: { a: 4, b: 5 } },
          ],
          wire: { callsAtIndexZero: true, emptyIdsAfterFirst: true },
        },
      ],
      chunkSize: 5,
    });
    const { deltas, request } = collect();

    const reply = await model.complete(request);

    const calls = deltas.filter((delta) => delta.type === 'tool-call');
    expect(calls[0]).toMatchObject({ index: 0, id: 'call_1', name: 'add', arguments: '' });
    for (const [index, call] of reply.toolCalls.entries()) {
      const pieces = calls.filter((delta) => delta.index === index);
      expect(pieces.map((delta) => delta.arguments).join('')).toBe(call.arguments);
      expect(pieces.find((delta) => delta.name !== undefined)?.name).toBe(call.name);
    }
  });

  it('numbers the deltas of a retried attempt apart, after the retry is reported', async () => {
    const model = await start({
      script: [{ streamError: { message: 'Upstream overloaded', code: 503 }, content: 'Half a rep' }, 'Whole reply.'],
    });
    const seen: (ModelDelta | ModelRetry)[] = [];
    const request: ChatRequest = {
      messages: [{ role: 'user', content: 'Go.' }],
      onDelta: (delta) => void seen.push(delta),
      onRetry: (retry) => void seen.push(retry),
    };

    const reply = await model.complete(request);

    const retryAt = seen.findIndex((entry) => !('type' in entry));
    const deltas = seen.filter((entry): entry is ModelDelta => 'type' in entry);
    expect(reply.content).toBe('Whole reply.');
    expect(seen[retryAt]).toMatchObject({ attempt: 1 });
    expect(joined(deltas, 'text', 1)).toBe('Half a rep');
    expect(joined(deltas, 'text', 2)).toBe('Whole reply.');
    expect(seen.slice(0, retryAt).every((entry) => 'type' in entry && entry.attempt === 1)).toBe(true);
    expect(seen.slice(retryAt + 1).every((entry) => 'type' in entry && entry.attempt === 2)).toBe(true);
  });

  it('reads no further while the consumer holds it back, and an abort then settles the call', async () => {
    const model = await start({ script: ['a'.repeat(50)], chunkSize: 1, chunkDelayMs: 1 });
    const controller = new AbortController();
    let count = 0;
    let firstDelta!: () => void;
    const first = new Promise<void>((resolve) => (firstDelta = resolve));
    const call = model.complete({
      messages: [{ role: 'user', content: 'Go.' }],
      signal: controller.signal,
      onDelta: () => {
        count += 1;
        firstDelta();
        return new Promise<void>(() => undefined);
      },
    });

    await first;
    controller.abort(new Error('consumer left'));

    await expect(call).rejects.toThrow('consumer left');
    expect(count).toBe(1);
  });

  it('fails with the call deadline when the consumer holds the read back past it', async () => {
    const model = await start({ script: ['a'.repeat(50)], chunkSize: 1, chunkDelayMs: 1 }, { timeoutMs: 200 });

    const call = model.complete({
      messages: [{ role: 'user', content: 'Go.' }],
      onDelta: () => new Promise<void>(() => undefined),
    });

    await expect(call).rejects.toThrow('did not finish within 200 ms');
    // The consumer, not only the server, may be what held it: the message says so.
    await expect(call).rejects.toThrow('or read the deltas faster.');
  });

  it('warns of a consumer whose promise rejects and reads on, even when one chunk made two deltas', async () => {
    using logs = captureLogs();
    const chunk = (delta: object, finishReason: string | null) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'fake-model', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
    const raw =
      chunk({ role: 'assistant', reasoning_content: 'France, capital.', content: 'Paris.' }, null) +
      chunk({}, 'stop') +
      'data: [DONE]\n\n';
    const model = await start({ script: [{ raw, contentType: 'text/event-stream' }] });

    const reply = await model.complete({
      messages: [{ role: 'user', content: 'Go.' }],
      onDelta: async (delta) => {
        await Promise.resolve();
        throw new Error(`consumer lost the ${delta.type}`);
      },
    });

    expect(reply).toMatchObject({ content: 'Paris.', reasoning: 'France, capital.', finishReason: 'stop' });
    expect(logs.warnings).toEqual([
      "A model call's onDelta threw: consumer lost the reasoning",
      "A model call's onDelta threw: consumer lost the text",
    ]);
  });

  it('streams paced chunks one by one', async () => {
    const model = await start({ script: ['abcdef'], chunkSize: 2, chunkDelayMs: 1 });
    const { deltas, request } = collect();

    await model.complete(request);

    expect(deltas.map((delta) => (delta.type === 'text' ? delta.text : ''))).toEqual(['ab', 'cd', 'ef']);
  });
});
