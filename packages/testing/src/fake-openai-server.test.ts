import type { APIError } from 'openai';
import OpenAI, {
  APIConnectionError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import { ConfigurationError } from '@tinyagent/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from './fake-openai-server.ts';
import type { FakeOpenAIOptions, FakeOpenAIServer, FakeResponse } from './fake-openai-server.ts';

// These tests drive the fake server with the real `openai` SDK: whatever it answers, the SDK must
// accept exactly as it accepts OpenAI's own replies.

let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: FakeOpenAIOptions): Promise<OpenAI> {
  server = await startFakeOpenAI(options);
  return new OpenAI({ apiKey: 'sk-test-fake', baseURL: server.url, maxRetries: 0 });
}

const question = { model: 'fake-model', messages: [{ role: 'user' as const, content: 'What is 2 + 3?' }] };

describe('startFakeOpenAI', () => {
  it('answers a chat completion the SDK parses, with usage', async () => {
    const client = await start({ script: ['The answer is 5.'] });

    const completion = await client.chat.completions.create(question);

    expect(completion.choices[0]?.message.content).toBe('The answer is 5.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.model).toBe('fake-model');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('answers with tool calls the SDK parses', async () => {
    const client = await start({ script: [{ toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }] }] });

    const completion = await client.chat.completions.create(question);
    const choice = completion.choices[0]!;

    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":3}' } },
    ]);
  });

  it('streams text and tool calls as server-sent events the SDK reassembles', async () => {
    const client = await start({
      script: [{ content: 'Adding now.', toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }] }],
    });

    const stream = client.chat.completions.stream({ ...question, stream_options: { include_usage: true } });
    const completion = await stream.finalChatCompletion();
    const message = completion.choices[0]!.message;

    expect(message.content).toBe('Adding now.');
    expect(message.tool_calls?.[0]).toMatchObject({
      id: 'call_1',
      function: { name: 'add', arguments: '{"a":2,"b":3}' },
    });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams usage as OpenAI does: null on every chunk, the counts on a last chunk without choices', async () => {
    const client = await start({ script: ['Hello there.', 'Hello again.'] });

    const chunks = [];
    const stream = await client.chat.completions.create({
      ...question,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) chunks.push(chunk);
    const unasked = [];
    for await (const chunk of await client.chat.completions.create({ ...question, stream: true })) unasked.push(chunk);

    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.total_tokens).toBeGreaterThan(0);
    expect(chunks.slice(0, -1).map((chunk) => chunk.usage)).toEqual(chunks.slice(0, -1).map(() => null));
    expect(unasked.every((chunk) => !('usage' in chunk))).toBe(true);
  });

  it('sends status errors with OpenAI-shaped bodies that become the SDK typed errors', async () => {
    const client = await start({
      script: [
        { status: 401, message: 'Incorrect API key provided.', code: 'invalid_api_key' },
        { status: 429, message: 'Slow down.', retryAfter: 7 },
        { status: 503 },
      ],
    });

    const unauthorized = await client.chat.completions.create(question).catch((error: unknown) => error);
    const limited = await client.chat.completions.create(question).catch((error: unknown) => error);
    const unavailable = await client.chat.completions.create(question).catch((error: unknown) => error);

    expect(unauthorized).toBeInstanceOf(AuthenticationError);
    expect((unauthorized as APIError).code).toBe('invalid_api_key');
    expect((unauthorized as APIError).message).toContain('Incorrect API key provided.');
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as APIError).headers?.get('retry-after')).toBe('7');
    expect(unavailable).toBeInstanceOf(InternalServerError);
    expect((unavailable as APIError).status).toBe(503);
  });

  it('lists its models', async () => {
    const client = await start({ script: [], models: ['fake-model', 'other-model'] });

    const page = await client.models.list();

    expect(page.data.map((model) => model.id)).toEqual(['fake-model', 'other-model']);
  });

  it('answers concurrent requests from a handler by their content', async () => {
    const client = await start({
      handler: (request) => ({ content: `echo: ${String(request.body.messages.at(-1)?.content)}`, delayMs: 5 }),
    });

    const replies = await Promise.all(
      ['a', 'b', 'c', 'd'].map((text) =>
        client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: text }] }),
      ),
    );

    expect(replies.map((reply) => reply.choices[0]?.message.content)).toEqual([
      'echo: a',
      'echo: b',
      'echo: c',
      'echo: d',
    ]);
  });

  it('records each request with its body and headers', async () => {
    const client = await start({ script: ['ok'] });

    await client.chat.completions.create({ ...question, temperature: 0 });

    expect(server?.requests).toHaveLength(1);
    const [recorded] = server!.requests;
    expect(recorded?.index).toBe(0);
    expect(recorded?.path).toBe('/v1/chat/completions');
    expect(recorded?.body.temperature).toBe(0);
    expect(recorded?.body.messages).toEqual(question.messages);
    expect(recorded?.headers.authorization).toBe('Bearer sk-test-fake');
  });

  it('answers a request past the end of the script with a non-retryable 500 that says so', async () => {
    const client = await start({ script: [] });

    const error = await client.chat.completions.create(question).catch((failure: unknown) => failure);

    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as APIError).message).toContain('the script has 0 replies and this is request #1');
    expect((error as APIError).headers?.get('x-should-retry')).toBe('false');
  });

  it('keeps a hung request open until the client aborts it', async () => {
    const client = await start({ script: [{ fault: 'hang' }] });
    const controller = new AbortController();

    const pending = client.chat.completions.create(question, { signal: controller.signal });
    await waitFor(() => server!.requestCount === 1);
    controller.abort();

    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it('drops hung connections when closed', async () => {
    const client = await start({ script: [{ fault: 'hang' }] });

    const pending = client.chat.completions.create(question).catch((error: unknown) => error);
    await waitFor(() => server!.requestCount === 1);
    await server!.close();

    expect(await pending).toBeInstanceOf(APIConnectionError);
  });

  it('resets the connection on request', async () => {
    const client = await start({ script: [{ fault: 'reset' }] });

    await expect(client.chat.completions.create(question)).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('sends a malformed body, an empty choice list and a truncated reply on request', async () => {
    const client = await start({
      script: [{ fault: 'malformed' }, { fault: 'empty_choices' }, { fault: 'truncated_stream' }],
    });

    await expect(client.chat.completions.create(question)).rejects.toThrow();
    const empty = await client.chat.completions.create(question);
    expect(empty.choices).toEqual([]);
    await expect(client.chat.completions.create(question)).rejects.toThrow();
  });

  it('cuts a streamed reply before its finish chunk on request', async () => {
    const client = await start({ script: [{ fault: 'truncated_stream' }] });

    const chunks: unknown[] = [];
    const consume = async (): Promise<void> => {
      const stream = await client.chat.completions.create({ ...question, stream: true });
      for await (const chunk of stream) chunks.push(chunk);
    };

    await consume().catch(() => undefined);
    expect(chunks.length).toBeGreaterThan(0);
    expect(JSON.stringify(chunks)).not.toContain('"finish_reason":"stop"');
  });

  it('sends a raw reply exactly as given, wrong field types and hand-written events included', async () => {
    const client = await start({
      script: [
        { raw: '{"choices": [{"message": {"content": 42, "tool_calls": "none"}}], "usage": {"total_tokens": "7"}}' },
        {
          raw: 'data: {"choices": [{"delta": {"content": "Hi"}}]}\n\ndata: [DONE]\n\n',
          contentType: 'text/event-stream',
        },
        { raw: 'not json at all', status: 502, contentType: 'text/plain' },
      ],
    });

    const completion = await client.chat.completions.create(question);
    expect(completion as unknown).toEqual({
      choices: [{ message: { content: 42, tool_calls: 'none' } }],
      usage: { total_tokens: '7' },
    });
    const chunks: unknown[] = [];
    for await (const chunk of await client.chat.completions.create({ ...question, stream: true })) chunks.push(chunk);
    expect(chunks).toMatchObject([{ choices: [{ delta: { content: 'Hi' } }] }]);
    await expect(client.chat.completions.create(question)).rejects.toMatchObject({
      status: 502,
      message: '502 not json at all',
    });
  });

  it('delays answers by the configured latency', async () => {
    const client = await start({ script: ['slow'], latencyMs: 50 });
    const started = performance.now();

    await client.chat.completions.create(question);

    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('paces a long stream without piling listeners on the response', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const client = await start({ script: ['a'.repeat(30)], chunkSize: 1, chunkDelayMs: 1 });

      const stream = await client.chat.completions.create({ ...question, stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      await new Promise((resolve) => setImmediate(resolve));

      expect(text).toBe('a'.repeat(30));
      expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('tells clients the idle limit it keeps connections open for', async () => {
    await start({ script: [], keepAliveTimeoutMs: 60_000 });

    const response = await fetch(`${server!.url}/models`);
    await response.body?.cancel();

    // Clients such as undici read this header to close an idle connection before the server does.
    expect(response.headers.get('keep-alive')).toBe('timeout=60');
  });

  it('refuses unknown routes and bodies that are not JSON', async () => {
    await start({ script: ['unused'] });

    const missing = await fetch(`${server!.url}/embeddings`, { method: 'POST', body: '{}' });
    const invalid = await fetch(`${server!.url}/chat/completions`, { method: 'POST', body: '{not json' });

    expect(missing.status).toBe(404);
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toContain('not valid JSON');
    expect(server!.requestCount).toBe(0);
  });

  it('refuses as OpenAI does a request without a model or without messages, and answers none of them', async () => {
    const client = await start({ script: ['unused'] });
    const failed = (body: object): Promise<unknown> =>
      client.chat.completions.create(body as typeof question).then(
        () => undefined,
        (error: unknown) => error,
      );

    const noModel = await failed({ messages: question.messages });
    const noMessages = await failed({ model: 'fake-model', messages: [] });

    expect(noModel).toBeInstanceOf(BadRequestError);
    expect((noModel as APIError).message).toContain('you must provide a model parameter');
    expect(noMessages).toBeInstanceOf(BadRequestError);
    expect((noMessages as APIError).code).toBe('empty_array');
    expect((noMessages as APIError).param).toBe('messages');
    expect(server!.requestCount).toBe(0);
  });

  it('refuses a body past 64 MiB with a 413, answering no chat request', async () => {
    await start({ script: ['unused'] });
    const padding = 'x'.repeat(64 * 1024 * 1024);

    const response = await fetch(`${server!.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ ...question, padding }),
    });

    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('larger than 64 MiB');
    expect(server!.requestCount).toBe(0);
  });

  it('needs exactly one of script and handler', async () => {
    await expect(startFakeOpenAI({})).rejects.toThrow(/exactly one of `script`/);
    await expect(startFakeOpenAI({ script: [], handler: () => 'x' })).rejects.toThrow(/exactly one/);
  });

  it('names a misspelled or misshapen script or handler instead of misreading it', async () => {
    const refusal = (options: unknown): Promise<Error> =>
      startFakeOpenAI(options as FakeOpenAIOptions).then(
        async (started) => {
          await started.close();
          throw new Error('started');
        },
        (error: unknown) => error as Error,
      );

    const misspelled = await refusal({ scirpt: ['Hello'] });
    expect(ConfigurationError.isInstance(misspelled)).toBe(true);
    expect(misspelled.message).toMatch(/unknown option 'scirpt'\. Did you mean 'script'\?/);
    expect((await refusal({ script: 'Hello' })).message).toContain(
      "script must be an array of answers, one a request; got string. For one reply, write `script: ['…']`.",
    );
    expect((await refusal({ handler: 'Hello' })).message).toContain('handler must be a function');
    expect(ConfigurationError.isInstance(await refusal(undefined))).toBe(true);
  });

  it('refuses a scripted answer it would misread before it listens, saying which and why', async () => {
    const refusal = (answer: unknown): Promise<string> =>
      startFakeOpenAI({ script: ['fine', answer as FakeResponse] }).then(
        async (started) => {
          await started.close();
          return 'started';
        },
        (error: unknown) => (ConfigurationError.isInstance(error) ? error.message : String(error)),
      );

    expect(await refusal({ fault: 'hnag' })).toBe(
      'startFakeOpenAI: script[1] asks for an unknown fault "hnag"; the faults are hang, reset, malformed, empty_choices, truncated_stream.',
    );
    expect(await refusal({ stauts: 500 })).toMatch(
      /^startFakeOpenAI: script\[1\] has a field no reply takes: unknown option 'stauts'\. Did you mean 'status'\?/,
    );
    expect(await refusal({ error: new Error('down') })).toContain('`{ error }` is for createScriptedModel');
    expect(await refusal({ status: 429, content: 'x' })).toContain(
      "no `status` answer takes: unknown option 'content'",
    );
    expect(await refusal({ status: 200 })).toContain('not one from 400 to 599: 200');
    expect(await refusal({ raw: { id: 1 } })).toContain('raw body that is not a string');
    expect(await refusal({ content: 'x', delayMs: Number.NaN })).toContain('delayMs that is not a number');
    expect(await refusal(undefined)).toContain('neither a reply text nor an answer object; got undefined');
  });

  it("answers a handler's misshapen answer with a non-retryable 500 that says what is wrong", async () => {
    const client = await start({
      handler: (request) =>
        request.index === 0 ? ({ fault: 'hnag' } as unknown as FakeResponse) : (undefined as never),
    });

    const failed = (): Promise<unknown> =>
      client.chat.completions.create(question).then(
        () => undefined,
        (error: unknown) => error,
      );
    const unknownFault = await failed();
    const nothing = await failed();

    expect(unknownFault).toBeInstanceOf(InternalServerError);
    expect((unknownFault as APIError).message).toContain(
      `the handler's answer to request #1 asks for an unknown fault "hnag"`,
    );
    expect((unknownFault as APIError).headers?.get('x-should-retry')).toBe('false');
    expect((nothing as APIError).message).toContain(
      "the handler's answer to request #2 is neither a reply text nor an answer object; got undefined.",
    );
  });

  it('refuses options it would misread, before it listens, saying which and why', async () => {
    const refused = (options: object): Promise<unknown> =>
      startFakeOpenAI({ script: ['x'], ...options }).then(
        async (started) => {
          await started.close();
          return undefined;
        },
        (error: unknown) => error,
      );
    const nan = await refused({ chunkSize: Number.NaN });
    expect(ConfigurationError.isInstance(nan)).toBe(true);
    expect((nan as Error).message).toBe(
      'startFakeOpenAI: chunkSize must be a whole number of characters from 1; got NaN.',
    );
    expect(((await refused({ chunkDelayMs: Infinity })) as Error).message).toContain('chunkDelayMs must be');
    expect(((await refused({ latencyMs: -5 })) as Error).message).toContain(
      'latencyMs must be a number of milliseconds',
    );
    expect(((await refused({ keepAliveTimeoutMs: 0 })) as Error).message).toContain(
      'keepAliveTimeoutMs must be a positive',
    );
    expect(((await refused({ latency: 10 })) as Error).message).toMatch(
      /unknown option 'latency'\. Did you mean 'latencyMs'\?/,
    );
    expect(await refused({ chunkSize: 3, chunkDelayMs: 0, latencyMs: 0 })).toBeUndefined();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
