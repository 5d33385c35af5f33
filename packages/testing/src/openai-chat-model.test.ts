import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { ModelCallError, OpenAIChatModel } from '@tinyagent/core';
import type { ChatRequest, OpenAIChatModelOptions } from '@tinyagent/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureLogs } from './capture-logs.ts';
import { startFakeOpenAI } from './fake-openai-server.ts';
import type { FakeOpenAIOptions, FakeOpenAIServer } from './fake-openai-server.ts';

// Core's model seam, on the real openai SDK, against the fake server over real HTTP.

const KEY = 'sk-sentinel-0123456789abcdef';
let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: FakeOpenAIOptions, modelOptions: OpenAIChatModelOptions = {}): Promise<OpenAIChatModel> {
  server = await startFakeOpenAI(options);
  return new OpenAIChatModel({
    model: 'fake-model',
    apiKey: KEY,
    baseURL: server.url,
    retryDelayMs: 1,
    ...modelOptions,
  });
}

const ask: ChatRequest = { messages: [{ role: 'user', content: 'What is 2 + 3?' }] };

async function failure(promise: Promise<unknown>): Promise<ModelCallError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(ModelCallError.isInstance(error)).toBe(true);
  return error as ModelCallError;
}

describe('OpenAIChatModel over HTTP', () => {
  it('returns the reply text, finish reason, usage and model', async () => {
    const model = await start({
      script: [{ content: '5', usage: { inputTokens: 7, outputTokens: 1, totalTokens: 8 } }],
    });

    const reply = await model.complete(ask);

    expect(reply).toEqual({
      content: '5',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 7, outputTokens: 1, totalTokens: 8 },
      model: 'fake-model',
    });
  });

  it.each([false, true])('assembles text and tool calls the same way when streaming is %s', async (streaming) => {
    const model = await start(
      { script: [{ content: 'Adding.', toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }] }] },
      { streaming },
    );

    const reply = await model.complete(ask);

    expect(reply.content).toBe('Adding.');
    expect(reply.toolCalls).toEqual([{ id: 'call_1', name: 'add', arguments: '{"a":2,"b":3}' }]);
    expect(reply.finishReason).toBe('tool_calls');
    expect(reply.usage?.totalTokens).toBeGreaterThan(0);
    expect(server!.requests[0]?.body.stream ?? false).toBe(streaming);
  });

  it.each([false, true])(
    'reports usage as unknown, not zero, when the server omits it (streaming %s)',
    async (streaming) => {
      const model = await start({ script: [{ content: 'no usage', usage: null }] }, { streaming });

      const reply = await model.complete(ask);

      expect(reply.usage).toBeUndefined();
    },
  );

  it('sends the conversation, tools and temperature in the chat completions format', async () => {
    const model = await start({ script: ['done'] });

    await model.complete({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Add 2 and 3.' },
        { role: 'assistant', content: null, toolCalls: [{ id: 'call_9', name: 'add', arguments: '{"a":2,"b":3}' }] },
        { role: 'tool', toolCallId: 'call_9', content: '5' },
      ],
      tools: [{ name: 'add', description: 'Adds.', parameters: { type: 'object', properties: {} } }],
      temperature: 0,
    });

    const body = server!.requests[0]!.body;
    expect(body.model).toBe('fake-model');
    expect(body.temperature).toBe(0);
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Add 2 and 3.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":3}' } }],
      },
      { role: 'tool', tool_call_id: 'call_9', content: '5' },
    ]);
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: { name: 'add', description: 'Adds.', parameters: { type: 'object', properties: {} } },
      },
    ]);
  });

  it('leaves temperature and tools out when the request has none', async () => {
    const model = await start({ script: ['ok'] });

    await model.complete(ask);

    expect(server!.requests[0]!.body).not.toHaveProperty('temperature');
    expect(server!.requests[0]!.body).not.toHaveProperty('tools');
  });

  it('retries a 429 after the retry-after the server asked for, then succeeds', async () => {
    const model = await start({ script: [{ status: 429, retryAfter: 1 }, 'after the wait'] });
    const started = performance.now();

    const reply = await model.complete(ask);

    expect(reply.content).toBe('after the wait');
    expect(server!.requestCount).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('gives up on repeated 500s with a retryable ModelCallError after every attempt', async () => {
    const model = await start({ script: [{ status: 500 }, { status: 500 }, { status: 500 }, 'never reached'] });

    const error = await failure(model.complete(ask));

    expect(error.status).toBe(500);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('after 3 attempts');
    expect(server!.requestCount).toBe(3);
  });

  it('does not retry a rejected key, says what to check and never repeats the key', async () => {
    const model = await start({ script: [{ status: 401, message: `Incorrect API key provided: ${KEY}.` }, 'unused'] });

    const error = await failure(model.complete(ask));

    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(`${error.message} ${(error.cause as Error).message}`).not.toContain(KEY);
    expect(server!.requestCount).toBe(1);
  });

  it('does not retry when the server says not to, nor when it asks to wait too long', async () => {
    const model = await start(
      {
        script: [
          { status: 503, headers: { 'x-should-retry': 'false' } },
          { status: 429, retryAfter: 120 },
        ],
      },
      { maxRetryDelayMs: 1_000 },
    );

    await failure(model.complete(ask));
    const limited = await failure(model.complete(ask));

    expect(limited.status).toBe(429);
    expect(server!.requestCount).toBe(2);
  });

  it('retries a reset connection and a malformed body transparently', async () => {
    const model = await start({ script: [{ fault: 'reset' }, { fault: 'malformed' }, 'recovered'] });

    const reply = await model.complete(ask);

    expect(reply.content).toBe('recovered');
    expect(server!.requestCount).toBe(3);
  });

  it('fails clearly on a reply without choices and on a cut stream', async () => {
    const empty = await start({ script: [{ fault: 'empty_choices' }] }, { maxRetries: 0 });
    expect((await failure(empty.complete(ask))).message).toContain('without choices');
    await server!.close();

    const cut = await start({ script: [{ fault: 'truncated_stream' }] }, { maxRetries: 0, streaming: true });
    expect((await failure(cut.complete(ask))).message).toMatch(
      /broke off while the reply was being read|ended the stream/,
    );
  });

  it('rejects with the abort reason when aborted during a request', async () => {
    const model = await start({ script: [{ fault: 'hang' }] });
    const controller = new AbortController();
    const reason = new Error('run cancelled');

    const pending = model.complete({ ...ask, signal: controller.signal });
    while (server!.requestCount === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);

    await expect(pending).rejects.toBe(reason);
  });

  it('rejects at once with the abort reason when the signal is already aborted', async () => {
    const model = await start({ script: ['never sent'] });
    const reason = new Error('cancelled before the call');

    await expect(model.complete({ ...ask, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(server!.requestCount).toBe(0);
  });

  it('stops listening to the caller signal when a call ends, so a long run does not pile up listeners', async () => {
    const model = await start({ script: ['one', { status: 400, message: 'bad request' }] });
    const controller = new AbortController();

    await model.complete({ ...ask, signal: controller.signal });
    await failure(model.complete({ ...ask, signal: controller.signal }));

    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('fails with a ModelCallError when the call outlives its timeout', async () => {
    const model = await start({ script: [{ fault: 'hang' }] });

    const error = await failure(model.complete({ ...ask, timeoutMs: 50 }));

    expect(error.message).toContain('did not finish within 50 ms');
    expect(error.retryable).toBe(true);
  });

  it.each([
    ['a stream', true, 'text/event-stream', 'data: {"choices":[{"index":0,"delta":{"content":"partial"}}]}\n\n'],
    ['a JSON body', false, 'application/json', '{"choices":[{"index":0,"message":{"content":"part'],
  ])(
    'fails at the deadline when %s stalls after its first bytes, never with the partial reply',
    async (_what, streaming, type, start) => {
      const stalled = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': type });
        response.write(start);
      });
      await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
      const { port } = stalled.address() as AddressInfo;
      const model = new OpenAIChatModel({ baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, streaming });

      try {
        const error = await failure(model.complete({ ...ask, timeoutMs: 200 }));

        expect(error.message).toContain('did not finish within 200 ms');
      } finally {
        stalled.closeAllConnections();
        await new Promise((resolve) => stalled.close(resolve));
      }
    },
  );

  it('fails with a ModelCallError when the timeout passes while it waits to retry', async () => {
    const model = await start({ script: [{ status: 429, retryAfter: 2 }, 'unused'] });

    const error = await failure(model.complete({ ...ask, timeoutMs: 100 }));

    expect(error.message).toContain('did not finish within 100 ms. Raise timeoutMs');
    expect(error.retryable).toBe(true);
    expect(server!.requestCount).toBe(1);
  });

  it('says which server it could not reach, from OPENAI_BASE_URL by default', async () => {
    const model = new OpenAIChatModel({ maxRetries: 0 });

    const error = await failure(model.complete(ask));

    expect(error.message).toContain('Could not reach the model server at http://127.0.0.1:2/v1');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.retryable).toBe(true);
  });

  it('sends the key as a bearer token, and no Authorization header without a key', async () => {
    const keyed = await start({ script: ['ok'] });
    await keyed.complete(ask);
    expect(server!.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    await server!.close();

    server = await startFakeOpenAI({ script: ['ok'] });
    const keyless = new OpenAIChatModel({ baseURL: server.url, env: {} });
    await keyless.complete(ask);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('uses a client it is given as is', async () => {
    server = await startFakeOpenAI({ script: ['from the given client'] });
    const client = new OpenAI({ apiKey: 'sk-given-client', baseURL: server.url });
    const model = new OpenAIChatModel({ client, env: {} });

    const reply = await model.complete(ask);

    expect(reply.content).toBe('from the given client');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-given-client');
  });

  it('cancels a request in flight on abort with a client it is given, too', async () => {
    server = await startFakeOpenAI({ script: [{ fault: 'hang' }] });
    const model = new OpenAIChatModel({ client: new OpenAI({ apiKey: 'sk-given', baseURL: server.url }), env: {} });
    const controller = new AbortController();
    const reason = new Error('run cancelled');

    const pending = model.complete({ ...ask, signal: controller.signal });
    while (server.requestCount === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);

    await expect(pending).rejects.toBe(reason);
  });
});

const tools = [{ name: 'add', description: 'Adds.', parameters: { type: 'object', properties: {} } }];

describe('OpenAIChatModel tool choice', () => {
  it.each([
    ['none', { tools, toolChoice: 'none' }, 'none'],
    ['required', { tools, toolChoice: 'required' }, 'required'],
    ['unset', { tools }, undefined],
    ['set without tools', { toolChoice: 'none' }, undefined],
  ] as const)('sends tool_choice when %s', async (_case, request, expected) => {
    const model = await start({ script: ['ok'] });

    await model.complete({ messages: [{ role: 'user', content: 'Hi' }], ...request });

    const body = server!.requests[0]?.body;
    expect(body?.tool_choice).toBe(expected);
    expect(body?.tools !== undefined).toBe('tools' in request);
  });
});

describe('OpenAIChatModel transport', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends through the global fetch, so whatever patches fetch (msw, APM agents) sees model calls', async () => {
    const seen: string[] = [];
    const original = globalThis.fetch;
    vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return original(input, init);
    });
    const model = await start({ script: ['ok'] });

    const reply = await model.complete(ask);

    expect(reply.content).toBe('ok');
    expect(seen).toEqual([`${server!.url}/chat/completions`]);
  });
});

describe('OpenAIChatModel retries, reported', () => {
  it('tells onRetry of each failed attempt before waiting: attempt, delay, redacted reason, status', async () => {
    const model = await start({
      script: [{ status: 503, message: `overloaded; key ${KEY}`, retryAfter: 0 }, { content: '5' }],
    });
    const retries: unknown[] = [];

    const reply = await model.complete({ ...ask, onRetry: (retry) => retries.push(retry) });

    expect(reply.content).toBe('5');
    expect(retries).toEqual([
      { attempt: 1, delayMs: 0, reason: expect.stringContaining('503') as string, status: 503 },
    ]);
    expect(JSON.stringify(retries)).not.toContain(KEY);
  });

  it('retries on when onRetry throws or rejects, warning of each, never leaving a rejection unhandled', async () => {
    using logs = captureLogs();
    const model = await start({
      script: [{ status: 503, retryAfter: 0 }, { status: 503, retryAfter: 0 }, { content: '5' }],
    });
    let calls = 0;

    const reply = await model.complete({
      ...ask,
      // The misuse under test: a listener that returns a rejected promise where nothing is expected.
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      onRetry: () => {
        calls += 1;
        if (calls === 1) throw new Error('log sink down');
        return Promise.reject(new Error('log sink still down'));
      },
    });

    expect(reply.content).toBe('5');
    expect(logs.warnings).toEqual([
      "A model call's onRetry threw: log sink down",
      "A model call's onRetry threw: log sink still down",
    ]);
  });
});
