import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ToolEndEvent } from './agent-events.ts';
import type { AgentDefinition } from './agent.ts';
import { ToolExecutionError } from '../errors.ts';
import type { RunOptions } from './run-options.ts';
import { DEFAULT_TOOL_TIMEOUT_MS } from './run-options.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { tool } from '../tools/tool.ts';
import { createTestAgent } from './test-fixtures.ts';

// A tool that answers only when its signal aborts it.
function createWaitTool(timeoutMs?: number) {
  return tool({
    name: 'wait',
    description: 'Waits.',
    timeoutMs,
    execute: (_args, { signal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason as Error));
      }),
  });
}

// Runs one call of `wait` on fake timers: resolves with the call's tool-end once `elapsedMs` have
// passed, or undefined when the call is still running then.
async function endAfter(
  elapsedMs: number,
  definition: Partial<AgentDefinition> = {},
  options: RunOptions = {},
): Promise<ToolEndEvent | undefined> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const model = createScriptedModel([{ toolCalls: [{ name: 'wait', arguments: {} }] }, 'done']);
  const agent = createTestAgent(model, { tools: [createWaitTool()], ...definition });
  let started = (): void => undefined;
  const toolStarted = new Promise<void>((resolve) => (started = resolve));
  let end: ToolEndEvent | undefined;
  const running = agent.run('Wait.', {
    ...options,
    onEvent: (event) => {
      if (event.type === 'tool-start') started();
      if (event.type === 'tool-end') end = event;
    },
  });
  await toolStarted;
  await vi.advanceTimersByTimeAsync(elapsedMs);
  const seen = end;
  // Past every deadline here, so that the run ends.
  await vi.advanceTimersByTimeAsync(DEFAULT_TOOL_TIMEOUT_MS);
  await running;
  return seen;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('tool deadlines', () => {
  it('fails a call at the default deadline of a minute, and not before', async () => {
    expect(DEFAULT_TOOL_TIMEOUT_MS).toBe(60_000);
    await expect(endAfter(59_999)).resolves.toBeUndefined();

    const end = await endAfter(60_000);

    expect(end).toMatchObject({ isError: true, output: "Error: Tool 'wait' failed: timed out after 60000 ms" });
    expect(ToolExecutionError.isInstance(end?.error)).toBe(true);
    expect((end?.error as ToolExecutionError).timedOut).toBe(true);
  });

  it('takes the agent deadline over the default, and the run deadline over the agent one', async () => {
    const byAgent = await endAfter(5_000, { toolTimeoutMs: 5_000 });
    const byRun = await endAfter(20, { toolTimeoutMs: 5_000 }, { toolTimeoutMs: 20 });

    expect(byAgent?.output).toBe("Error: Tool 'wait' failed: timed out after 5000 ms");
    expect(byRun?.output).toBe("Error: Tool 'wait' failed: timed out after 20 ms");
  });

  it('takes the tool own deadline over the run one', async () => {
    const end = await endAfter(10, { tools: [createWaitTool(10)] }, { toolTimeoutMs: 5_000 });

    expect(end?.output).toBe("Error: Tool 'wait' failed: timed out after 10 ms");
  });
});
