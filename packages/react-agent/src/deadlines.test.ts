import { ConfigurationError, ModelCallError, tool } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import { createAgent, getWeather, recordEvents, reply, startServer } from './test-fixtures.ts';

afterEach(() => {
  vi.useRealTimers();
});

// A tool that never settles and ignores its signal: the worst case a deadline must bound.
const stuck = tool({
  name: 'stuck',
  description: 'Never returns.',
  execute: () => new Promise<never>(() => undefined),
});

function stuckAgent(options: { toolTimeoutMs?: number } = {}): ReactAgent {
  const model = createScriptedModel([reply({ tool: 'stuck', arguments: {} }), reply({ answer: 'Gave up.' })]);
  return new ReactAgent({ tools: [stuck], chatModel: model, ...options });
}

describe('tool deadlines', () => {
  it('ends a tool call that never settles at the agent toolTimeoutMs, for the model to read', async () => {
    const result = await stuckAgent({ toolTimeoutMs: 20 }).run('Try it.', { returnResult: true });

    expect(result.state).toBe('completed');
    expect(result.steps[0]?.toolCalls[0]?.output).toBe("Error: Tool 'stuck' failed: timed out after 20 ms");
  });

  it('lets the run toolTimeoutMs override the agent one', async () => {
    const result = await stuckAgent({ toolTimeoutMs: 60_000 }).run('Try it.', {
      returnResult: true,
      toolTimeoutMs: 10,
    });

    expect(result.steps[0]?.toolCalls[0]?.output).toContain('timed out after 10 ms');
  });

  it('bounds a tool call by 60 s when nobody sets a deadline', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { events, onEvent } = recordEvents();
    const running = stuckAgent().run('Try it.', { returnResult: true, onEvent });

    await vi.waitFor(() => expect(events.some((event) => event.type === 'tool-start')).toBe(true));
    await vi.advanceTimersByTimeAsync(60_000);
    const result = await running;

    expect(result.steps[0]?.toolCalls[0]?.output).toContain('timed out after 60000 ms');
  });

  it('refuses a toolTimeoutMs that is not a positive number', () => {
    expect(() => stuckAgent({ toolTimeoutMs: -1 })).toThrow(/toolTimeoutMs must be a positive number/);
  });
});

describe('model deadlines and retries as agent options', () => {
  it('retries as often as maxRetries says, and reports each retry as a model-retry event', async () => {
    const server = await startServer({
      script: [{ status: 503, retryAfter: 0 }, { status: 503, retryAfter: 0 }, reply({ answer: 'Sunny.' })],
    });
    const { events, onEvent } = recordEvents();

    const result = await createAgent(server, { maxRetries: 2 }).run('Weather?', { returnResult: true, onEvent });

    expect(result.output).toBe('Sunny.');
    const retries = events.flatMap((event) => (event.type === 'model-retry' ? [[event.attempt, event.status]] : []));
    expect(retries).toEqual([
      [1, 503],
      [2, 503],
    ]);
    expect(result.steps[0]?.modelRetries).toHaveLength(2);
  });

  it('does not retry with maxRetries: 0', async () => {
    const server = await startServer({ script: [{ status: 503, retryAfter: 0 }, reply({ answer: 'Sunny.' })] });

    const result = await createAgent(server, { maxRetries: 0 }).run('Weather?', { returnResult: true });

    expect(ModelCallError.isInstance(result.error)).toBe(true);
    expect(server.requestCount).toBe(1);
  });

  it('fails a model call that never answers at modelTimeoutMs, overridden per run', async () => {
    const server = await startServer({ handler: () => ({ fault: 'hang' }) });
    const agent = createAgent(server, { modelTimeoutMs: 60_000, maxRetries: 0 });

    const result = await agent.run('Weather?', { returnResult: true, modelTimeoutMs: 30 });

    expect(result.state).toBe('error');
    expect(result.error?.message).toMatch(/did not finish within 30 ms/);
  });

  it('says where timeoutMs and a chatModel maxRetries belong', () => {
    const model = createScriptedModel([]);

    expect(() => new ReactAgent({ tools: [getWeather], chatModel: model, maxRetries: 1 })).toThrow(
      /configure retries on your model/,
    );
    expect(() => new ReactAgent({ tools: [getWeather], chatModel: model, timeoutMs: 5 } as never)).toThrow(
      /is an option of run\(\).*modelTimeoutMs/,
    );
    expect(() => new ReactAgent({ tools: [getWeather], chatModel: model, maxRetries: 1 })).toThrow(ConfigurationError);
  });
});
