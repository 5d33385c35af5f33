import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ConfigurationError, OpenAIChatModel } from '@tinyagent/core';
import type { RunResult } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import type { FakeRequest, FakeResponse } from '@tinyagent/testing';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import type { ReactAgentOptions } from './react-agent.ts';
import { add, createAgent, getWeather, reply, sentMessages, startServer } from './test-fixtures.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

function construct(options: Partial<ReactAgentOptions>): () => ReactAgent {
  return () => new ReactAgent({ tools: [getWeather], baseURL: 'http://127.0.0.1:9/v1', ...options });
}

describe('new ReactAgent', () => {
  it.each([
    ['no tools', { tools: [] }, 'ReactAgent needs at least one tool'],
    [
      'an entry that is not a tool',
      {
        tools: [
          getWeather,
          function lookup() {
            return undefined;
          },
        ],
      },
      "tools[1] is a function named 'lookup'",
    ],
    ['two tools with one name', { tools: [getWeather, add, getWeather] }, "two tools are named 'get_weather'"],
    ['an unknown toolCalling', { toolCalling: 'xml' }, `toolCalling must be 'json' or 'native'; got "xml"`],
    ['a negative temperature', { temperature: -0.1 }, 'temperature must be a number from 0 to 2; got -0.1'],
    ['a temperature above 2', { temperature: 2.5 }, 'temperature must be a number from 0 to 2'],
    ['a NaN temperature', { temperature: Number.NaN }, 'temperature must be a number from 0 to 2; got NaN'],
    ['zero maxParallelTools', { maxParallelTools: 0 }, 'maxParallelTools must be an integer of at least 1; got 0'],
    ['fractional maxParallelTools', { maxParallelTools: 1.5 }, 'maxParallelTools must be an integer of at least 1'],
    ['zero maxObservationLength', { maxObservationLength: 0 }, 'maxObservationLength must be an integer of at least 1'],
  ])('refuses %s with a ConfigurationError', (_case, options, message) => {
    const create = construct(options as Partial<ReactAgentOptions>);

    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(message);
  });

  it('throws a ConfigurationError at construction when there is no key, no base URL and no client', () => {
    vi.stubEnv('OPENAI_BASE_URL', '');
    vi.stubEnv('OPENAI_API_KEY', '');

    const create = () => new ReactAgent({ tools: [getWeather] });

    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(/set OPENAI_API_KEY \(or pass apiKey\)/);
    expect(() => new ReactAgent({ tools: [getWeather], apiKey: 'sk-test' })).not.toThrow();
  });

  it('talks to the server of a configured OpenAI client', async () => {
    const server = await startServer({ script: [reply({ answer: 'via client' })] });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });

    const agent = new ReactAgent({ tools: [getWeather], client, model: 'fake-model' });

    await expect(agent.run('Hello?')).resolves.toBe('via client');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('runs on any ChatModel given as chatModel', async () => {
    const model = createScriptedModel([reply({ answer: 'scripted' }), reply({ answer: 'again' })]);

    const agent = new ReactAgent({ tools: [getWeather], chatModel: model });

    await expect(agent.run('Hello?')).resolves.toBe('scripted');
    await expect(agent.run('Hello?', { signal: new AbortController().signal })).resolves.toBe('again');
    // A run that nothing can cancel hands its model no signal; one that can, does.
    expect(model.requests.map((request) => request.hadSignal)).toEqual([false, true]);
    expect(agent.chatModel).toBe(model);
  });

  it('assembles parallel tool calls and the answer from a streaming model', async () => {
    const server = await startServer({
      script: [
        {
          toolCalls: [
            { name: 'get_weather', arguments: { city: 'Paris' } },
            { name: 'add', arguments: { a: 2, b: 3 } },
          ],
        },
        'Sunny; 5.',
      ],
    });
    const chatModel = new OpenAIChatModel({ model: 'fake-model', baseURL: server.url, streaming: true });

    const output = await createAgent(server, { chatModel, toolCalling: 'native' }).run('Weather and sum?');

    expect(output).toBe('Sunny; 5.');
    expect(server.requests[0]?.body.stream).toBe(true);
    const results = sentMessages(server, 1).filter((message) => (message as { role: string }).role === 'tool');
    expect(results.map((message) => (message as { content: string }).content)).toEqual([
      '{"city":"Paris","sky":"sunny","celsius":21}',
      '5',
    ]);
  });

  it('exposes its frozen tools, protocol and rendered prompt', () => {
    const agent = construct({ tools: [getWeather, add], toolCalling: 'native' })();

    expect(agent.tools.names()).toEqual(['get_weather', 'add']);
    expect(agent.tools.frozen).toBe(true);
    expect(agent.toolCalling).toBe('native');
    expect(construct({})().toolCalling).toBe('json');
  });

  it('renders the prompt file once, at construction', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'react-agent-'));
    try {
      const path = join(folder, 'prompt.md');
      writeFileSync(path, 'Version one. Tools:\n{tools}');
      const server = await startServer({ script: [reply({ answer: 'a' }), reply({ answer: 'b' })] });
      const agent = createAgent(server, { promptFile: path });
      writeFileSync(path, 'Version two. Tools:\n{tools}');

      await agent.run('First?');
      await agent.run('Second?');

      expect(agent.systemPrompt).toMatch(/^Version one\./);
      expect(sentMessages(server, 0)[0]).toEqual({ role: 'system', content: agent.systemPrompt });
      expect(sentMessages(server, 1)[0]).toEqual({ role: 'system', content: agent.systemPrompt });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('ReactAgent.run', () => {
  it('types its result by returnResult', () => {
    // Checked by the compiler only: the runs are never started, so none is left to reject unobserved.
    const check = (agent: ReactAgent, dynamic: boolean): void => {
      expectTypeOf(agent.run('q')).resolves.toEqualTypeOf<string>();
      expectTypeOf(agent.run('q', { returnResult: false })).resolves.toEqualTypeOf<string>();
      expectTypeOf(agent.run('q', { returnResult: true })).resolves.toEqualTypeOf<RunResult>();
      expectTypeOf(agent.run('q', { returnResult: dynamic })).resolves.toEqualTypeOf<string | RunResult>();
    };
    expectTypeOf(check).toBeFunction();
  });

  it('refuses options that are not an object with a ConfigurationError', () => {
    expect(() => new ReactAgent(undefined as never)).toThrow(
      new ConfigurationError('ReactAgent needs options: new ReactAgent({ tools: [...] }).'),
    );
  });

  it.each([
    ['a zero maxSteps', { maxSteps: 0 }, /maxSteps must be a positive integer; got 0/],
    ['a fractional maxSteps', { maxSteps: 2.5 }, /maxSteps must be a positive integer/],
    ['a negative timeout', { timeoutMs: -1 }, /timeoutMs must be a positive number/],
  ])('rejects %s with a ConfigurationError before calling the model', async (_case, options, message) => {
    const server = await startServer({ script: [reply({ answer: 'never' })] });
    const agent = createAgent(server);

    await expect(agent.run('Weather?', options)).rejects.toThrow(message);
    await expect(agent.run('Weather?', { ...options, returnResult: true })).rejects.toBeInstanceOf(ConfigurationError);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects an empty task', async () => {
    const server = await startServer({ script: [] });

    await expect(createAgent(server).run('  ')).rejects.toThrow(/task must be a non-empty string/);
  });

  it("continues a conversation from an earlier run's messages", async () => {
    const hello = reply({ answer: 'Hello, Ada.' });
    const server = await startServer({ script: [hello, reply({ answer: 'Your name is Ada.' })] });
    const agent = createAgent(server);

    const first = await agent.run('My name is Ada.', { returnResult: true });
    const second = await agent.run('What is my name?', { history: first.messages, returnResult: true });

    expect(second.output).toBe('Your name is Ada.');
    expect(sentMessages(server, 1)).toEqual([
      { role: 'system', content: agent.systemPrompt },
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: hello },
      { role: 'user', content: 'What is my name?' },
    ]);
    expect(first.messages).toHaveLength(3);
    expect(second.messages).toHaveLength(5);
  });

  it('refuses a history that is not a list of messages', async () => {
    const server = await startServer({ script: [] });
    const history = 'earlier chat' as unknown as [];

    await expect(createAgent(server).run('Hi?', { history })).rejects.toThrow(/history must be an array/);
    expect(server.requests).toHaveLength(0);
  });

  it.each(['json', 'native'] as const)(
    'serves concurrent runs on one agent, each getting its own answer (%s)',
    async (toolCalling) => {
      const cities = ['Paris', 'Oslo', 'Lima'];
      // Answers each request from its own conversation, so interleaved runs cannot mix up.
      const handler = (request: FakeRequest): FakeResponse => {
        const messages = request.body.messages as { role: string; content: string | null }[];
        const question = messages[1]?.content ?? '';
        const city = cities.find((name) => question.includes(name)) ?? 'nowhere';
        const last = messages.at(-1);
        if (last?.role === 'user' && last.content === question) {
          const call = { name: 'get_weather', arguments: { city } };
          return toolCalling === 'native'
            ? { toolCalls: [call], delayMs: 20 }
            : { content: reply({ tool: call.name, arguments: call.arguments }), delayMs: 20 };
        }
        const observation = last?.content ?? '';
        const sky = /"sky":"(\w+)"/.exec(observation)?.[1] ?? 'unknown';
        return toolCalling === 'native' ? `${city}: ${sky}` : reply({ answer: `${city}: ${sky}` });
      };
      const server = await startServer({ handler, latencyMs: 5 });
      const agent = createAgent(server, { toolCalling });

      const results = await Promise.all(
        cities.map((city) => agent.run(`What is the weather in ${city}?`, { returnResult: true })),
      );

      expect(results.map((result) => result.output)).toEqual(['Paris: sunny', 'Oslo: snow', 'Lima: sunny']);
      results.forEach((result, index) => {
        const text = JSON.stringify(result.messages);
        for (const other of cities.filter((_, position) => position !== index)) expect(text).not.toContain(other);
      });
      expect(new Set(results.map((result) => result.metadata.runId)).size).toBe(3);
      expect(server.requests).toHaveLength(6);
    },
  );
});
