import { ConfigurationError, ModelRefusalError, OpenAIChatModel, registerSecret, tool, z } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { createAgent, getWeather, recordEvents, reply, startServer } from './test-fixtures.ts';

// What a run makes of replies real providers send (refusals, filters, reasoning), and of keys the
// model spells with JSON escapes: end to end, through the real SDK and the fake server.

describe.each([
  ['JSON protocol', 'json'],
  ['native protocol', 'native'],
] as const)('ReactAgent, %s', (_name, toolCalling) => {
  it.each([false, true])(
    'ends the run with a ModelRefusalError carrying the refusal (streaming: %s)',
    async (streaming) => {
      const server = await startServer({ script: [{ content: null, refusal: 'I cannot help with that.' }] });
      const chatModel = new OpenAIChatModel({ model: 'fake-model', baseURL: server.url, streaming });

      const result = await createAgent(server, { toolCalling, chatModel }).run('Hack it.', { returnResult: true });

      expect(result.state).toBe('error');
      expect(ModelRefusalError.isInstance(result.error)).toBe(true);
      expect(result.error).toMatchObject({ reason: 'refusal', refusal: 'I cannot help with that.' });
      expect(result.error?.message).toContain('I cannot help with that.');
      expect(server.requestCount).toBe(1);
    },
  );

  it('ends the run with a ModelRefusalError when the content filter stops the reply, without retrying', async () => {
    const server = await startServer({ script: [{ content: '', finishReason: 'content_filter' }, 'never asked'] });

    const result = await createAgent(server, { toolCalling }).run('Say it.', { returnResult: true });

    expect(ModelRefusalError.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({ reason: 'content_filter' });
    expect(result.error?.message).toContain('content filter');
    expect(server.requestCount).toBe(1);
  });

  it('keeps think tags out of the answer and puts the reasoning in the model-response event', async () => {
    const content = toolCalling === 'json' ? reply({ answer: 'Sunny.' }) : 'Sunny.';
    const server = await startServer({
      script: [{ content, reasoning: 'check the sky', wire: { reasoning: 'think_tags' } }],
    });
    const { events, onEvent } = recordEvents();

    const answer = await createAgent(server, { toolCalling }).run('Weather?', { onEvent });

    expect(answer).toBe('Sunny.');
    expect(events.find((event) => event.type === 'model-response')).toMatchObject({ reasoning: 'check the sky' });
  });

  it('redacts a key the model spelled with JSON escapes from the tool arguments and the answer', async () => {
    registerSecret('sk-escaped-secret-0123');
    const escaped = '\\u0073k-escaped-secret-0123';
    const seen: string[] = [];
    const echo = tool({
      name: 'echo',
      description: 'Echoes its text.',
      parameters: z.object({ text: z.string() }),
      execute: ({ text }) => {
        seen.push(text);
        return 'ok';
      },
    });
    const call =
      toolCalling === 'json'
        ? `{"tool": "echo", "arguments": {"text": "${escaped}"}}`
        : { toolCalls: [{ name: 'echo', arguments: `{"text": "${escaped}"}` }] };
    const answer = toolCalling === 'json' ? `{"answer": "key ${escaped}"}` : 'done';
    const server = await startServer({ script: [call, answer] });
    const { events, onEvent } = recordEvents();

    const output = await createAgent(server, { toolCalling, tools: [echo] }).run('Echo the key.', { onEvent });

    expect(seen).toEqual(['[redacted]']);
    expect(JSON.stringify(events)).not.toContain('sk-escaped-secret-0123');
    expect(output).not.toContain('sk-escaped-secret-0123');
  });
});

describe('ReactAgent option checks', () => {
  it.each([
    [{ streaming: true }, "unknown option 'streaming'", 'new OpenAIChatModel({ streaming'],
    [{ temprature: 0.2 }, "unknown option 'temprature'", "Did you mean 'temperature'?"],
  ])('rejects an unknown agent option %j, naming it and the accepted ones', async (extra, problem, advice) => {
    const server = await startServer({ script: [] });

    const create = (): unknown => createAgent(server, extra as object);

    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(problem);
    expect(create).toThrow(advice);
    expect(create).toThrow('Accepted options: apiKey, baseURL, chatModel');
  });

  it('rejects an unknown run option, suggesting the one meant', async () => {
    const server = await startServer({ script: ['never asked'] });
    const agent = createAgent(server);

    const run = agent.run('Weather?', { timeout: 5 } as object);

    await expect(run).rejects.toThrow(ConfigurationError);
    await expect(run).rejects.toThrow("unknown option 'timeout'. Did you mean 'timeoutMs'?");
    expect(server.requestCount).toBe(0);
  });
});

describe('ReactAgent native tool-call limit', () => {
  it('runs at most maxToolCallsPerTurn calls of one turn and answers the rest with an error', async () => {
    const calls = Array.from({ length: 5 }, (_, index) => ({ name: 'get_weather', arguments: { city: `C${index}` } }));
    const server = await startServer({ script: [{ toolCalls: calls }, 'Done.'] });
    const { events, onEvent } = recordEvents();
    const ran: string[] = [];
    const weather = tool({
      name: 'get_weather',
      description: getWeather.description,
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => {
        ran.push(city);
        return 'sunny';
      },
    });

    await createAgent(server, { toolCalling: 'native', tools: [weather], maxToolCallsPerTurn: 3 }).run('Weather?', {
      onEvent,
    });

    expect(ran).toEqual(['C0', 'C1', 'C2']);
    const results = (server.requests[1]?.body.messages ?? []).filter((message) => message.role === 'tool');
    expect(results).toHaveLength(5);
    expect(String(results[4]?.content)).toContain('at most 3 tool calls run per turn');
    expect(events.filter((event) => event.type === 'tool-end' && event.isError)).toHaveLength(2);
  });

  it('rejects a maxToolCallsPerTurn that is not a positive integer', async () => {
    const server = await startServer({ script: [] });

    expect(() => createAgent(server, { maxToolCallsPerTurn: 0 })).toThrow('maxToolCallsPerTurn must be an integer');
  });
});
