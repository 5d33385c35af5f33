import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from './agent-events.ts';
import type { AgentProtocol } from './agent-protocol.ts';
import type { AgentRun } from './agent-run.ts';
import { ConfigurationError } from '../errors.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { tool } from '../tools/tool.ts';
import type { ToolCallOutcome, ToolCallRequest } from './tool-invocation.ts';
import { createTestAgent, eventsOfType } from './test-fixtures.ts';

// `slow` answers after the calls that are already running have ended; the others at once.
const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up.',
  parameters: z.object({ key: z.string() }),
  execute: async ({ key }) => {
    if (key === 'slow') await new Promise(setImmediate);
    return key.toUpperCase();
  },
});

// A tool that ends only when its signal aborts it.
const hang = tool({
  name: 'hang',
  description: 'Hangs.',
  execute: (_args, { signal }) =>
    new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error));
    }),
});

const calls = (...keys: string[]): ToolCallRequest[] =>
  keys.map((key, index) => ({ id: `c${index + 1}`, name: 'lookup', arguments: { key } }));

// A protocol that runs `work` as its only step, then answers.
function stepProtocol(work: (run: AgentRun) => Promise<unknown>): AgentProtocol {
  return {
    agentName: 'TestAgent',
    systemPrompt: 'You are a test agent.',
    start: (run) => ({
      step: async () => {
        await work(run);
        run.finish('done');
      },
    }),
  };
}

// The tool events as `start c1`, `end c1`, … in the order they came.
function timeline(events: readonly AgentEvent[]): string[] {
  return events.flatMap((event) =>
    event.type === 'tool-start' || event.type === 'tool-end'
      ? [`${event.type === 'tool-start' ? 'start' : 'end'} ${event.toolCallId}`]
      : [],
  );
}

describe('invokeTools', () => {
  it('runs the calls of a turn at once and returns the outcomes in the order of the calls', async () => {
    const outcomes: ToolCallOutcome[] = [];
    const events: AgentEvent[] = [];
    const protocol = stepProtocol(async (run) => outcomes.push(...(await run.invokeTools(calls('slow', 'b', 'c')))));

    await createTestAgent(createScriptedModel([]), { tools: [lookup], protocol }).run('Look.', {
      onEvent: (event) => events.push(event),
    });

    expect(outcomes.map((outcome) => outcome.output)).toEqual(['SLOW', 'B', 'C']);
    expect(timeline(events)).toEqual(['start c1', 'start c2', 'start c3', 'end c2', 'end c3', 'end c1']);
  });

  it('runs at most maxParallel calls at a time', async () => {
    const events: AgentEvent[] = [];
    const protocol = stepProtocol((run) => run.invokeTools(calls('slow', 'b', 'c'), { maxParallel: 2 }));

    await createTestAgent(createScriptedModel([]), { tools: [lookup], protocol }).run('Look.', {
      onEvent: (event) => events.push(event),
    });

    expect(timeline(events)).toEqual(['start c1', 'start c2', 'end c2', 'start c3', 'end c3', 'end c1']);
  });
  it.each([0, -1, Number.NaN])('fails the run with a ConfigurationError for a maxParallel of %s', async (limit) => {
    const events: AgentEvent[] = [];
    const protocol = stepProtocol((run) => run.invokeTools(calls('a', 'b'), { maxParallel: limit }));

    const result = await createTestAgent(createScriptedModel([]), { tools: [lookup], protocol }).run('Look.', {
      returnResult: true,
      onEvent: (event) => events.push(event),
    });

    expect(result.state).toBe('error');
    expect(ConfigurationError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toContain(`maxParallel must be at least 1`);
    expect(timeline(events)).toEqual([]);
  });
});

describe('a tool call when the run is aborted', () => {
  it('ends with tool-end saying it was aborted, and rejects with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    const rejections: unknown[] = [];
    const protocol = stepProtocol((run) =>
      run.invokeTool({ id: 'c1', name: 'hang', arguments: {} }).catch((error: unknown) => {
        rejections.push(error);
        throw error;
      }),
    );
    const events: AgentEvent[] = [];

    const result = await createTestAgent(createScriptedModel([]), { tools: [hang], protocol }).run('Hang.', {
      signal: controller.signal,
      returnResult: true,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'tool-start') controller.abort(reason);
      },
    });

    expect(rejections).toEqual([reason]);
    expect(eventsOfType(events, 'tool-end')).toEqual([
      expect.objectContaining({ toolCallId: 'c1', output: 'Aborted: user pressed stop', isError: true }),
    ]);
    expect(result.state).toBe('aborted');
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({ output: 'Aborted: user pressed stop', isError: true });
  });

  it('starts no further call of the turn, and rejects once the started ones have settled', async () => {
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    const rejections: unknown[] = [];
    const requests = ['c1', 'c2', 'c3'].map((id) => ({ id, name: 'hang', arguments: {} }));
    const protocol = stepProtocol((run) =>
      run.invokeTools(requests, { maxParallel: 1 }).catch((error: unknown) => {
        rejections.push(error);
        throw error;
      }),
    );
    const events: AgentEvent[] = [];

    await createTestAgent(createScriptedModel([]), { tools: [hang], protocol }).run('Hang.', {
      signal: controller.signal,
      returnResult: true,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'tool-start') controller.abort(reason);
      },
    });

    expect(rejections).toEqual([reason]);
    expect(timeline(events)).toEqual(['start c1', 'end c1']);
  });
});
