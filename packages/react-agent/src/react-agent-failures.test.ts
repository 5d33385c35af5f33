import { ModelCallError, RunAbortedError, tool } from '@tinyagent/core';
import type { ToolContext } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import { createAgent, fastRetryingModel, getWeather, recordEvents, reply, startServer } from './test-fixtures.ts';

const answer = reply({ answer: 'Sunny.' });
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', recordUnhandled);
});

afterEach(async () => {
  vi.useRealTimers();
  // Give a late rejection the chance to surface before checking that none did.
  await new Promise((resolve) => setImmediate(resolve));
  process.off('unhandledRejection', recordUnhandled);
  expect(unhandled).toEqual([]);
});

// A tool that runs until its signal aborts, then rejects with the reason; `settled` proves that
// nothing of it is left pending after the run.
function createBlockingTool(name = 'block') {
  const state = { started: 0, reasons: [] as unknown[], settled: 0 };
  const blocking = tool({
    name,
    description: 'Runs until cancelled.',
    execute: (_args: unknown, { signal }: ToolContext) =>
      new Promise<never>((_, reject) => {
        state.started += 1;
        signal.addEventListener('abort', () => {
          state.reasons.push(signal.reason);
          state.settled += 1;
          reject(signal.reason as Error);
        });
      }),
  });
  return { blocking, state };
}

describe('ReactAgent model failures', () => {
  it('answers after the model seam retries a 500, 500, 200 sequence', async () => {
    const server = await startServer({ script: [{ status: 500 }, { status: 500 }, answer] });

    const result = await createAgent(server, { chatModel: fastRetryingModel(server) }).run('Weather?', {
      returnResult: true,
    });

    expect(result).toMatchObject({ output: 'Sunny.', state: 'completed', stepsTaken: 1 });
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]?.body).toEqual(server.requests[0]?.body);
    expect(result.usage.requests).toBe(1);
  });

  it('rejects with a ModelCallError after four 500s, or ends in the error state with returnResult', async () => {
    const server = await startServer({ script: Array.from({ length: 8 }, () => ({ status: 500 })) });
    const agent = createAgent(server, { chatModel: fastRetryingModel(server, 3) });

    const error = await agent.run('Weather?').catch((reason: unknown) => reason);
    expect(ModelCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(server.requests).toHaveLength(4);

    const result = await agent.run('Weather?', { returnResult: true });
    expect(result).toMatchObject({ state: 'error', output: '', finalAnswer: undefined, stepsTaken: 1 });
    expect(ModelCallError.isInstance(result.error)).toBe(true);
    expect(server.requests).toHaveLength(8);
  });

  it.each(['malformed', 'empty_choices', 'reset', 'truncated_stream'] as const)(
    'ends a run whose server keeps sending a %s reply with a typed ModelCallError',
    async (fault) => {
      const server = await startServer({ handler: () => ({ fault }) });

      const result = await createAgent(server, { chatModel: fastRetryingModel(server, 1) }).run('Weather?', {
        returnResult: true,
      });

      expect(result.state).toBe('error');
      expect(ModelCallError.isInstance(result.error)).toBe(true);
      expect(server.requests).toHaveLength(2);
    },
  );

  it('fails at once on a 401, naming the problem', async () => {
    const server = await startServer({ script: [{ status: 401, message: 'Incorrect API key provided.' }] });

    const result = await createAgent(server).run('Weather?', { returnResult: true });

    expect(result.state).toBe('error');
    expect(result.error).toMatchObject({ status: 401, retryable: false });
    expect(server.requests).toHaveLength(1);
  });
});

describe('ReactAgent cancellation', () => {
  it('aborts the model request in flight, which never answers, and rejects with RunAbortedError', async () => {
    const server = await startServer({ script: [{ fault: 'hang' }] });
    const controller = new AbortController();
    const reason = new Error('user pressed stop');

    const running = createAgent(server).run('Weather?', { signal: controller.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort(reason);
    // The request hangs for ever: the run settling at all is the abort at work.
    const error = await running.catch((failure: unknown) => failure);

    expect(RunAbortedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ timedOut: false, cause: reason });
  });

  it('ends as aborted with returnResult when the signal aborts mid-request', async () => {
    const server = await startServer({ script: [{ fault: 'hang' }] });
    const controller = new AbortController();

    const running = createAgent(server).run('Weather?', { signal: controller.signal, returnResult: true });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    const result = await running;

    expect(result).toMatchObject({ state: 'aborted', output: '', finalAnswer: undefined, stepsTaken: 1 });
    expect(RunAbortedError.isInstance(result.error)).toBe(true);
  });

  it('reaches every running tool through its signal when aborted mid-tool, and settles', async () => {
    const { blocking, state } = createBlockingTool();
    const server = await startServer({
      script: [{ toolCalls: [{ name: 'block' }, { name: 'block' }, { name: 'block' }] }],
    });
    const controller = new AbortController();
    const reason = new Error('cancelled by the user');
    const { events, onEvent } = recordEvents();

    const running = createAgent(server, { tools: [blocking], toolCalling: 'native' }).run('Block.', {
      signal: controller.signal,
      returnResult: true,
      onEvent,
    });
    await vi.waitFor(() => expect(state.started).toBe(3));
    controller.abort(reason);
    const result = await running;

    expect(result.state).toBe('aborted');
    expect(result.error?.cause).toBe(reason);
    expect(state.reasons).toEqual([reason, reason, reason]);
    expect(state.settled).toBe(3);
    const ends = events.filter((event) => event.type === 'tool-end');
    expect(ends).toHaveLength(3);
    expect(ends[0]).toMatchObject({ isError: true, output: 'Aborted: cancelled by the user' });
    expect(events.at(-1)?.type).toBe('run-end');
    expect(server.requests).toHaveLength(1);
  });

  it('starts no more calls after an abort, and closes every started one before the run ends', async () => {
    const { blocking, state } = createBlockingTool();
    const calls = Array.from({ length: 4 }, (_, index) => ({ id: `b${index}`, name: 'block' }));
    const server = await startServer({ script: [{ toolCalls: calls }] });
    const controller = new AbortController();
    const { events, onEvent } = recordEvents();

    const running = createAgent(server, { tools: [blocking], toolCalling: 'native', maxParallelTools: 2 }).run(
      'Block.',
      { signal: controller.signal, returnResult: true, onEvent },
    );
    await vi.waitFor(() => expect(state.started).toBe(2));
    controller.abort();
    const result = await running;

    expect(result.state).toBe('aborted');
    expect(state).toMatchObject({ started: 2, settled: 2 });
    const toolEvents = events.flatMap((event) =>
      event.type === 'tool-start' || event.type === 'tool-end' ? [`${event.type} ${event.toolCallId}`] : [],
    );
    expect(toolEvents.toSorted()).toEqual(['tool-end b0', 'tool-end b1', 'tool-start b0', 'tool-start b1']);
    expect(events.at(-1)?.type).toBe('run-end');
    expect(result.steps[0]?.toolCalls.map((call) => call.isError)).toEqual([true, true]);
  });

  it('rejects with RunAbortedError when aborted in a JSON-protocol tool, without an observation', async () => {
    const { blocking, state } = createBlockingTool();
    const server = await startServer({ script: [reply({ tool: 'block' })] });
    const controller = new AbortController();

    const running = createAgent(server, { tools: [blocking] }).run('Block.', { signal: controller.signal });
    await vi.waitFor(() => expect(state.started).toBe(1));
    controller.abort();

    await expect(running).rejects.toSatisfy((error) => RunAbortedError.isInstance(error));
    expect(state.settled).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('times a run out after timeoutMs, in a model request or in a tool', async () => {
    const hanging = await startServer({ script: [{ fault: 'hang' }] });
    const inRequest = await createAgent(hanging)
      .run('Weather?', { timeoutMs: 50 })
      .catch((error: unknown) => error);
    expect(inRequest).toMatchObject({ code: 'run_aborted', timedOut: true });

    // In the tool: the clock moves only once the tool runs, so the timeout cannot fire in the request.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { blocking, state } = createBlockingTool();
    const model = createScriptedModel([reply({ tool: 'block' })]);
    const running = new ReactAgent({ tools: [blocking], chatModel: model }).run('Block.', {
      timeoutMs: 50,
      returnResult: true,
    });
    // Turns of the event loop, not time: vi.waitFor would move the fake clock itself.
    while (state.started === 0) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(50);
    const result = await running;
    expect(result.state).toBe('aborted');
    expect((result.error as RunAbortedError).timedOut).toBe(true);
    expect(RunAbortedError.isInstance(state.reasons[0])).toBe(true);
  });

  it('does not start when the signal is already aborted', async () => {
    const server = await startServer({ script: [answer] });

    const result = await createAgent(server).run('Weather?', { signal: AbortSignal.abort(), returnResult: true });

    expect(result.state).toBe('aborted');
    expect(server.requests).toHaveLength(0);
  });
});

describe('ReactAgent accounting', () => {
  it('sums the usage of every model call, the final attempt included', async () => {
    const call = reply({ tool: 'get_weather', arguments: { city: 'Paris' } });
    const server = await startServer({
      script: [
        { content: call, usage: { inputTokens: 100, outputTokens: 20, totalTokens: 120 } },
        { content: call, usage: { inputTokens: 150, outputTokens: 20, totalTokens: 170 } },
        { content: answer, usage: { inputTokens: 200, outputTokens: 5, totalTokens: 205 } },
      ],
    });

    const result = await createAgent(server).run('Weather?', { maxSteps: 2, returnResult: true });

    expect(result.finalAnswer?.source).toBe('final_attempt');
    expect(result.usage).toEqual({
      requests: 3,
      requestsWithoutUsage: 0,
      inputTokens: 450,
      outputTokens: 45,
      totalTokens: 495,
    });
  });

  it('reports usage as unknown, not zero, for calls where the server gives none', async () => {
    const server = await startServer({
      script: [
        { content: reply({ tool: 'get_weather', arguments: { city: 'Paris' } }), usage: null },
        { content: answer, usage: { inputTokens: 9, outputTokens: 1, totalTokens: 10 } },
      ],
    });

    const result = await createAgent(server).run('Weather?', { returnResult: true });

    expect(result.usage).toEqual({
      requests: 2,
      requestsWithoutUsage: 1,
      inputTokens: 9,
      outputTokens: 1,
      totalTokens: 10,
    });
  });

  it('keeps the whole transcript in RunResult.messages', async () => {
    const call = reply({ tool: 'get_weather', arguments: { city: 'Oslo' } });
    const server = await startServer({ script: [call, answer] });
    const agent = createAgent(server, { tools: [getWeather] });

    const result = await agent.run('Weather in Oslo?', { returnResult: true });

    expect(result.messages).toEqual([
      { role: 'system', content: agent.systemPrompt },
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: call },
      { role: 'user', content: 'Observation: {"city":"Oslo","sky":"snow","celsius":-3}' },
      { role: 'assistant', content: answer },
    ]);
  });
});
