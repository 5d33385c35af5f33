import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { AgentEvent, ToolEndEvent } from './agent-events.ts';
import type { InvokeToolsOptions } from './agent-run.ts';
import { ToolExecutionError, ToolInputError } from '../errors.ts';
import type { RunOptions } from './run-options.ts';
import type { RunResult } from './run-result.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { tool } from '../tools/tool.ts';
import type { Tool } from '../tools/tool.ts';
import type { ToolCallOutcome, ToolCallRequest } from './tool-invocation.ts';
import { collectEvents, createTestAgent, eventsOfType, multiply } from './test-fixtures.ts';

const SECRET = 'sk-tool-path-secret-1234';

interface Invoked {
  outcomes: ToolCallOutcome[];
  events: AgentEvent[];
  ends: ToolEndEvent[];
  result: RunResult;
}

// Runs `calls` as one step of a run, through `run.invokeTools`, and answers: no model is called.
async function invoke(
  tools: readonly Tool[],
  calls: readonly ToolCallRequest[],
  options: InvokeToolsOptions = {},
  runOptions: RunOptions = {},
): Promise<Invoked> {
  const outcomes: ToolCallOutcome[] = [];
  const agent = createTestAgent(createScriptedModel([]), {
    tools,
    protocol: {
      agentName: 'TestAgent',
      systemPrompt: 'You are a test agent.',
      start: (run) => ({
        step: async () => {
          outcomes.push(...(await run.invokeTools(calls, options)));
          run.finish('done');
        },
      }),
    },
  });
  const { events, onEvent } = collectEvents();
  const result = await agent.run('Use the tools.', {
    ...runOptions,
    onEvent: runOptions.onEvent ?? onEvent,
    returnResult: true,
  });
  return { outcomes, events, ends: eventsOfType(events, 'tool-end'), result };
}

function call(name: string, args: unknown, id = 'c1'): ToolCallRequest {
  return { id, name, arguments: args };
}

const echo = tool({
  name: 'echo',
  description: 'Returns its text.',
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => text,
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the tool path', () => {
  it('runs a call between tool-start and tool-end and returns what the model reads', async () => {
    const { outcomes, events } = await invoke([multiply], [call('multiply', { a: 6, b: 7 })]);

    expect(outcomes).toEqual([{ output: '42', isError: false }]);
    const calls = events.filter((event) => event.type === 'tool-start' || event.type === 'tool-end');
    expect(calls).toEqual([
      expect.objectContaining({ type: 'tool-start', step: 1, toolCallId: 'c1', arguments: { a: 6, b: 7 } }),
      expect.objectContaining({ type: 'tool-end', step: 1, toolCallId: 'c1', output: '42', isError: false }),
    ]);
    expect(calls[1]).not.toHaveProperty('error');
  });

  it('tells the model the tool is unknown and which tools there are', async () => {
    const { outcomes, ends } = await invoke([multiply, echo], [call('divide', { a: 1 })]);

    const message = "unknown tool 'divide'; available: multiply, echo";
    expect(outcomes).toEqual([
      { output: `Error: ${message}`, isError: true, failure: { name: 'ToolExecutionError', message } },
    ]);
    expect(ends[0]).toMatchObject({ output: `Error: ${message}`, isError: true });
    expect(ends[0]?.error).toBeUndefined();
  });

  it('returns an argument error without running the tool', async () => {
    const execute = vi.fn(() => 'ran');
    const probe = tool({ name: 'probe', description: 'Probes.', execute });
    const request = { ...call('probe', '{not json'), argumentError: 'arguments are not valid JSON' };

    const { outcomes } = await invoke([probe], [request]);

    const message = "Invalid arguments for tool 'probe': arguments are not valid JSON";
    expect(outcomes).toEqual([
      { output: `Error: ${message}`, isError: true, failure: { name: 'ToolInputError', message } },
    ]);
    expect(execute).not.toHaveBeenCalled();
  });

  it('returns arguments the schema rejects as a ToolInputError, for the model and the developer', async () => {
    const { outcomes, ends } = await invoke([multiply], [call('multiply', { a: 'six' })]);

    expect(outcomes[0]?.failure?.name).toBe('ToolInputError');
    expect(outcomes[0]?.output).toMatch(/^Error: Invalid arguments for tool 'multiply'/);
    expect(ToolInputError.isInstance(ends[0]?.error)).toBe(true);
  });

  it('returns a refusal as the call result without running the tool', async () => {
    const execute = vi.fn(() => 'ran');
    const probe = tool({ name: 'probe', description: 'Probes.', execute });

    const { outcomes } = await invoke([probe], [{ ...call('probe', {}), refusal: 'not run: too many calls' }]);

    expect(outcomes).toEqual([
      {
        output: 'Error: not run: too many calls',
        isError: true,
        failure: { name: 'ToolExecutionError', message: 'not run: too many calls' },
      },
    ]);
    expect(execute).not.toHaveBeenCalled();
  });

  it('returns a thrown error to the model, and gives the developer the error itself with its stack', async () => {
    const thrown: Error[] = [];
    const weather = tool({
      name: 'weather',
      description: 'Tells the weather.',
      execute: function throwingWeather() {
        const error = new RangeError('no such city');
        thrown.push(error);
        throw error;
      },
    });

    const { outcomes, ends } = await invoke([weather], [call('weather', {})]);

    const message = "Tool 'weather' failed: RangeError: no such city";
    expect(outcomes).toEqual([
      { output: `Error: ${message}`, isError: true, failure: { name: 'ToolExecutionError', message } },
    ]);
    expect(ends[0]?.error).toBe(thrown[0]);
    expect(ends[0]?.error?.stack).toContain('throwingWeather');
  });

  it('wraps a thrown value that is not an Error in a ToolExecutionError for the developer', async () => {
    const weather = tool({
      name: 'weather',
      description: 'Tells the weather.',
      execute: () => {
        const offline: unknown = 'offline';
        throw offline;
      },
    });

    const { outcomes, ends } = await invoke([weather], [call('weather', {})]);

    expect(outcomes[0]?.output).toBe("Error: Tool 'weather' failed: threw offline");
    expect(ToolExecutionError.isInstance(ends[0]?.error)).toBe(true);
  });
});

describe('redaction on the tool path', () => {
  it('redacts known secrets from the arguments before the tool and the events see them', async () => {
    vi.stubEnv('OPENAI_API_KEY', SECRET);
    const received: unknown[] = [];
    const send = tool({
      name: 'send',
      description: 'Sends a note.',
      parameters: z.object({ note: z.string() }),
      execute: (args) => void received.push(args),
    });

    const { events, result } = await invoke([send], [call('send', { note: `key=${SECRET}` })]);

    expect(received).toEqual([{ note: 'key=[redacted]' }]);
    expect(eventsOfType(events, 'tool-start')[0]?.arguments).toEqual({ note: 'key=[redacted]' });
    expect(result.steps[0]?.toolCalls[0]?.arguments).toEqual({ note: 'key=[redacted]' });
  });

  it('redacts known secrets from results and failures', async () => {
    vi.stubEnv('OPENAI_API_KEY', SECRET);
    const leak = tool({
      name: 'leak',
      description: 'Leaks.',
      parameters: z.object({ fail: z.boolean() }),
      execute: ({ fail }) => {
        if (fail) throw new Error(`upstream said ${SECRET}`);
        return { config: { key: SECRET } };
      },
    });
    const calls = [call('leak', { fail: false }, 'ok'), call('leak', { fail: true }, 'bad')];

    const { outcomes, events } = await invoke([leak], calls, { returnValue: true });

    expect(outcomes[0]).toEqual({
      output: '{"config":{"key":"[redacted]"}}',
      isError: false,
      returned: { kind: 'json', text: '{"config":{"key":"[redacted]"}}' },
    });
    expect(outcomes[1]?.failure?.message).toBe("Tool 'leak' failed: upstream said [redacted]");
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });
});

describe('tool outputs', () => {
  it('cuts an output longer than maxOutputLength, saying so to the model and in tool-end', async () => {
    const { outcomes, ends } = await invoke([echo], [call('echo', { text: 'x'.repeat(50) })], { maxOutputLength: 10 });

    expect(outcomes[0]).toMatchObject({
      output: `${'x'.repeat(10)}\n[truncated: showing the first 10 of 50 characters]`,
      originalLength: 50,
    });
    expect(ends[0]).toMatchObject({ output: outcomes[0]?.output, originalLength: 50 });
  });

  it('never cuts a surrogate pair in half', async () => {
    const { outcomes } = await invoke([echo], [call('echo', { text: 'ab😀cd' })], { maxOutputLength: 3 });

    expect(outcomes[0]?.output).toBe('ab\n[truncated: showing the first 2 of 6 characters]');
  });

  it('leaves an output within the limit whole', async () => {
    const { outcomes, ends } = await invoke([echo], [call('echo', { text: 'short' })], { maxOutputLength: 5 });

    expect(outcomes[0]).toEqual({ output: 'short', isError: false });
    expect(ends[0]?.originalLength).toBeUndefined();
  });

  it.each([
    ['a string', 'Paris', 'Paris', { kind: 'string', text: 'Paris' }],
    ['an object', { temp: 21 }, '{"temp":21}', { kind: 'json', text: '{"temp":21}' }],
    ['a number', 42, '42', { kind: 'json', text: '42' }],
    ['undefined', undefined, 'null', { kind: 'undefined' }],
    ['a function', () => 1, '() => 1', { kind: 'undefined' }],
  ])('gives back %s as a value for code when asked (returnValue)', async (_, value, output, returned) => {
    const give = tool({ name: 'give', description: 'Gives a value.', execute: () => value });

    const asked = await invoke([give], [call('give', {})], { returnValue: true });
    const plain = await invoke([give], [call('give', {})]);

    expect(asked.outcomes).toEqual([{ output, isError: false, returned }]);
    expect(plain.outcomes).toEqual([{ output, isError: false }]);
  });

  it('gives back a value JSON cannot hold as the text the model reads', async () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const give = tool({ name: 'give', description: 'Gives a value.', execute: () => cyclic });

    const { outcomes } = await invoke([give], [call('give', {})], { returnValue: true });

    expect(outcomes[0]?.returned).toEqual({ kind: 'string', text: outcomes[0]?.output });
  });

  it('fails a call whose tool returns a promise when syncOnly, and awaits it otherwise', async () => {
    const later = tool({ name: 'later', description: 'Answers later.', execute: () => Promise.resolve('late') });

    const strict = await invoke([later], [call('later', {})], { syncOnly: true });
    const relaxed = await invoke([later], [call('later', {})]);

    expect(strict.outcomes[0]).toMatchObject({ isError: true, failure: { name: 'ToolExecutionError' } });
    expect(strict.outcomes[0]?.output).toContain("Tool 'later' failed: its execute returned a Promise");
    expect(relaxed.outcomes).toEqual([{ output: 'late', isError: false }]);
  });
});
