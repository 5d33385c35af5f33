import { StepLimitReached, tool, z } from '@tinyagent/core';
import { sleep } from '@tinyagent/core/internal';
import type { AgentEvent } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { readToolCall } from './native-protocol.ts';
import { DEFAULT_NATIVE_PROMPT } from './system-prompt.ts';
import {
  add,
  createAgent,
  createOutOfOrderTools,
  createSlowTool,
  getWeather,
  recordEvents,
  sentMessages,
  startServer,
} from './test-fixtures.ts';

const native = { toolCalling: 'native' } as const;

function toolMessages(messages: unknown[]): unknown[] {
  return messages.filter((message) => (message as { role: string }).role === 'tool');
}

function types(events: AgentEvent[]): string[] {
  return events.map((event) => event.type);
}

describe('ReactAgent, native protocol', () => {
  it('offers the tools as function tools and sends the exact first and follow-up requests', async () => {
    const server = await startServer({
      script: [{ toolCalls: [{ id: 'call_w', name: 'get_weather', arguments: { city: 'Paris' } }] }, 'Sunny, 21 °C.'],
    });
    const agent = createAgent(server, native);

    const output = await agent.run('What is the weather in Paris?');

    expect(output).toBe('Sunny, 21 °C.');
    expect(agent.systemPrompt).toBe(DEFAULT_NATIVE_PROMPT);
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather for a city.',
          parameters: getWeather.jsonSchema,
        },
      },
      { type: 'function', function: { name: 'add', description: 'Adds two numbers', parameters: add.jsonSchema } },
    ];
    const start = [
      { role: 'system', content: DEFAULT_NATIVE_PROMPT },
      { role: 'user', content: 'What is the weather in Paris?' },
    ];
    expect(server.requests[0]?.body).toEqual({ model: 'fake-model', messages: start, temperature: 0.7, tools });
    expect(server.requests[1]?.body).toEqual({
      model: 'fake-model',
      messages: [
        ...start,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_w', content: '{"city":"Paris","sky":"sunny","celsius":21}' },
      ],
      temperature: 0.7,
      tools,
    });
  });

  it('runs the calls of one turn concurrently: every call starts before the first one ends', async () => {
    const log: { name: string; start: number; end: number }[] = [];
    const tools = ['slow_a', 'slow_b', 'slow_c'].map((name) => createSlowTool(name, log));
    const server = await startServer({
      script: [{ toolCalls: [{ name: 'slow_a' }, { name: 'slow_b' }, { name: 'slow_c' }] }, 'All done.'],
    });

    await createAgent(server, { ...native, tools }).run('Run all three.');

    expect(log).toHaveLength(3);
    // Ordering, not durations: one after the other, a call could only start after the previous ended.
    const lastStart = Math.max(...log.map((entry) => entry.start));
    const firstEnd = Math.min(...log.map((entry) => entry.end));
    expect(lastStart).toBeLessThan(firstEnd);
  });

  it('returns the results as tool messages in the order of the calls, whatever order they finish in', async () => {
    const [first, finishesFirst] = createOutOfOrderTools();
    const server = await startServer({
      script: [
        {
          toolCalls: [
            { id: 'a', name: 'first' },
            { id: 'b', name: 'second' },
          ],
        },
        'Both done.',
      ],
    });
    const { events, onEvent } = recordEvents();

    await createAgent(server, { ...native, tools: [first, finishesFirst] }).run('Run both.', { onEvent });

    const ends = events.flatMap((event) => (event.type === 'tool-end' ? [event.toolName] : []));
    expect(ends).toEqual(['second', 'first']);
    expect(toolMessages(sentMessages(server, 1))).toEqual([
      { role: 'tool', tool_call_id: 'a', content: 'first result' },
      { role: 'tool', tool_call_id: 'b', content: 'second result' },
    ]);
  });

  it('gives a failing, unknown or badly called tool an error result of its own while its siblings report', async () => {
    const flaky = tool({
      name: 'flaky',
      description: 'Fails.',
      execute: () => Promise.reject(new Error('backend down')),
    });
    const server = await startServer({
      script: [
        {
          toolCalls: [
            { id: 'w', name: 'get_weather', arguments: { city: 'Oslo' } },
            { id: 'f', name: 'flaky' },
            { id: 'u', name: 'teleport', arguments: { to: 'Mars' } },
            { id: 'x', name: 'add', arguments: { a: 'one', b: 2 } },
            { id: 'j', name: 'add', arguments: '{"a": 1, "b": ' },
            { id: 's', name: 'add', arguments: { a: 1, b: 2 } },
          ],
        },
        'Partly done.',
      ],
    });

    const output = await createAgent(server, { ...native, tools: [getWeather, add, flaky] }).run('Do it all.');

    expect(output).toBe('Partly done.');
    const results = toolMessages(sentMessages(server, 1)) as { tool_call_id: string; content: string }[];
    expect(results.map((result) => result.tool_call_id)).toEqual(['w', 'f', 'u', 'x', 'j', 's']);
    expect(results.map((result) => result.content)).toEqual([
      '{"city":"Oslo","sky":"snow","celsius":-3}',
      "Error: Tool 'flaky' failed: backend down",
      "Error: unknown tool 'teleport'; available: get_weather, add, flaky",
      "Error: Invalid arguments for tool 'add': a: Invalid input: expected number, received string",
      expect.stringMatching(/^Error: Invalid arguments for tool 'add': arguments are not valid JSON: /) as unknown,
      '3',
    ]);
  });

  it('reads empty argument text as no arguments, and never turns invalid JSON into {}', () => {
    expect(readToolCall({ id: 'a', name: 'ping', arguments: '  ' })).toEqual({
      id: 'a',
      name: 'ping',
      arguments: {},
    });
    expect(readToolCall({ id: 'b', name: 'ping', arguments: '{"x": 1}' }).arguments).toEqual({ x: 1 });
    const broken = readToolCall({ id: 'c', name: 'ping', arguments: '{x: 1}' });
    expect(broken.arguments).toBe('{x: 1}');
    expect(broken.argumentError).toMatch(/^arguments are not valid JSON: /);
  });

  it('gives each call of a turn an id of its own when the server sent none or repeated one', async () => {
    const server = await startServer({
      script: [
        {
          toolCalls: [
            { id: '', name: 'add', arguments: { a: 1, b: 2 } },
            { id: 'x', name: 'add', arguments: { a: 2, b: 2 } },
            { id: 'x', name: 'add', arguments: { a: 3, b: 2 } },
          ],
        },
        'Done.',
      ],
    });

    const result = await createAgent(server, native).run('Add.', { returnResult: true });

    const [assistant, ...results] = sentMessages(server, 1).slice(2) as { tool_calls?: { id: string }[] }[];
    expect(assistant?.tool_calls?.map((call) => call.id)).toEqual(['call_1_1', 'x', 'call_1_3']);
    expect(results).toEqual([
      { role: 'tool', tool_call_id: 'call_1_1', content: '3' },
      { role: 'tool', tool_call_id: 'x', content: '4' },
      { role: 'tool', tool_call_id: 'call_1_3', content: '5' },
    ]);
    // Each call's record gets its own result: a repeated id would pair both ends with one start.
    expect(result.steps[0]?.toolCalls.map((call) => [call.toolCallId, call.output])).toEqual([
      ['call_1_1', '3'],
      ['x', '4'],
      ['call_1_3', '5'],
    ]);
  });

  it('runs at most maxParallelTools calls at a time, 8 by default', async () => {
    const counts = { running: 0, peak: 0 };
    const busy = tool({
      name: 'busy',
      description: 'Takes a moment.',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }, { signal }) => {
        counts.running += 1;
        counts.peak = Math.max(counts.peak, counts.running);
        await sleep(10, signal);
        counts.running -= 1;
        return n;
      },
    });
    const calls = (count: number) => ({
      toolCalls: Array.from({ length: count }, (_, n) => ({ name: 'busy', arguments: { n } })),
    });

    const capped = await startServer({ script: [calls(5), 'Done.'] });
    await createAgent(capped, { ...native, tools: [busy], maxParallelTools: 2 }).run('Go.');
    expect(counts.peak).toBe(2);
    expect(toolMessages(sentMessages(capped, 1)).map((message) => (message as { content: string }).content)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
    ]);

    counts.peak = 0;
    const wide = await startServer({ script: [calls(12), 'Done.'] });
    await createAgent(wide, { ...native, tools: [busy] }).run('Go.');
    expect(counts.peak).toBe(8);
  });

  it('does not run the tool calls of a reply cut off at the length limit, and tells the model', async () => {
    const server = await startServer({
      script: [
        { content: 'Let me check', toolCalls: [{ name: 'get_weather', arguments: '{"ci' }], finishReason: 'length' },
        'Sunny.',
      ],
    });
    const { events, onEvent } = recordEvents();

    const result = await createAgent(server, native).run('Weather?', { returnResult: true, onEvent });

    expect(result.output).toBe('Sunny.');
    expect(result.stepsTaken).toBe(2);
    expect(types(events)).not.toContain('tool-start');
    expect(sentMessages(server, 1).slice(2)).toEqual([
      { role: 'assistant', content: 'Let me check' },
      { role: 'user', content: expect.stringMatching(/^Your reply was cut off at the length limit/) as unknown },
    ]);
    expect(events.find((event) => event.type === 'correction')).toMatchObject({
      reason: 'the reply was cut off before its tool calls were complete',
    });
  });

  it('accepts a text reply cut off at the length limit as the answer, marked as cut off', async () => {
    const server = await startServer({ script: [{ content: 'The weather is', finishReason: 'length' }] });

    const result = await createAgent(server, native).run('Weather?', { returnResult: true });

    expect(result.output).toBe('The weather is');
    expect(result.finalAnswer?.metadata).toEqual({ cutOff: true });
  });

  it('corrects an empty reply and raises the temperature', async () => {
    const server = await startServer({ script: [{ content: null }, 'Sunny.'] });

    await expect(createAgent(server, native).run('Weather?')).resolves.toBe('Sunny.');
    expect(sentMessages(server, 1).slice(2)).toEqual([
      { role: 'assistant', content: '' },
      { role: 'user', content: 'Your reply was empty. Call a tool, or reply with your final answer as plain text.' },
    ]);
    expect(server.requests.map((request) => request.body.temperature)).toEqual([0.7, 0.9]);
  });

  it('makes the final attempt at the step limit with tool use disabled', async () => {
    const call = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };
    const server = await startServer({ script: [call, 'Probably sunny.'] });

    const result = await createAgent(server, native).run('Weather?', { maxSteps: 1, returnResult: true });

    expect(result).toMatchObject({ output: 'Probably sunny.', state: 'step_limit_reached' });
    expect(result.finalAnswer?.source).toBe('final_attempt');
    const finalRequest = server.requests[1]?.body;
    expect(finalRequest?.tool_choice).toBe('none');
    expect(finalRequest?.tools).toEqual(server.requests[0]?.body.tools);
    expect(finalRequest?.temperature).toBe(0);
    expect(finalRequest?.messages.at(-1)).toEqual({ role: 'user', content: 'Return your best final answer now.' });
  });

  it('rejects with StepLimitReached when the final attempt is empty', async () => {
    const call = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };
    const server = await startServer({ script: [call, call, { content: '' }] });

    const run = createAgent(server, native).run('Weather?', { maxSteps: 2 });

    await expect(run).rejects.toSatisfy(
      (error) => StepLimitReached.isInstance(error) && error.stepsTaken === 2 && error.finalAttemptMade,
    );
  });
});
