import fc from 'fast-check';
import { tool, z } from '@tinyagent/core';
import type { AgentEvent, ChatResponse, Tool } from '@tinyagent/core';
import type { CodeEvent } from '@tinyagent/code-agent';
import { TinyCodeAgent } from '@tinyagent/code-agent';
import { ReactAgent } from '@tinyagent/react-agent';
import { captureLogs } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { createReplayModel, settlementProblem } from './fuzz-agents.ts';
import { FUZZ_SEED, fuzzRuns } from './fuzz-settings.ts';
import { junk } from './reply-arbitraries.ts';

// The other side of a run: tools that return or throw anything at all, listeners that throw, and
// stream consumers that stop at any moment. A run still settles with its answer or a typed error,
// and nothing escapes as an unhandled rejection (vitest fails the run on one).

/** Something a tool's execute might do: return a value or throw one, at once or later. */
interface ToolBehaviour {
  outcome: 'return' | 'throw';
  value: () => unknown;
  later: boolean;
}

const hostileValues: fc.Arbitrary<() => unknown> = fc.oneof(
  junk.map((value) => () => value),
  fc.constantFrom(
    () => undefined,
    () => 10n ** 30n,
    () => Symbol('tool'),
    () => () => 'a function',
    () => new Map<unknown, unknown>([[{ key: 1 }, new Set([1, 2])]]),
    () => 'x'.repeat(2_000_000),
    () => {
      const cyclic: Record<string, unknown> = { name: 'cyclic' };
      cyclic.self = cyclic;
      return cyclic;
    },
    () => ({
      toJSON() {
        throw new Error('toJSON refuses');
      },
    }),
    () =>
      Object.defineProperty(new Error('getter'), 'message', {
        get() {
          throw new Error('message refuses');
        },
      }),
    () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error('proxy refuses');
          },
          ownKeys() {
            throw new Error('proxy refuses');
          },
        },
      ),
    () => Object.assign(new RangeError('out of range'), { code: 'E_RANGE', cause: new Error('deeper') }),
  ),
);

const behaviour: fc.Arbitrary<ToolBehaviour> = fc.record({
  outcome: fc.constantFrom('return' as const, 'throw' as const),
  value: hostileValues,
  later: fc.boolean(),
});

function hostileTool(behaviourOfTool: ToolBehaviour, asynchronous: boolean): Tool {
  const act = (): unknown => {
    const { outcome, value } = behaviourOfTool;
    if (outcome === 'throw') throw value();
    return value();
  };
  return tool({
    name: 'hostile',
    description: 'Returns or throws anything.',
    parameters: z.object({}),
    execute: asynchronous
      ? async () => {
          if (behaviourOfTool.later) await new Promise((resolve) => setImmediate(resolve));
          return act();
        }
      : act,
  });
}

const CALL_THEN_ANSWER: Record<'json' | 'native' | 'code', readonly ChatResponse[]> = {
  json: [reply('{"tool": "hostile", "arguments": {}}'), reply('{"answer": "done"}')],
  native: [{ ...reply(null), toolCalls: [{ id: 'c1', name: 'hostile', arguments: '{}' }] }, reply('done')],
  code: [reply('```js\nconsole.log(hostile({}))\n```'), reply('```js\nfinal_answer("done")\n```')],
};

function reply(content: string | null): ChatResponse {
  return { content, toolCalls: [], finishReason: 'stop', usage: undefined, model: undefined };
}

describe('runs whose tools, listeners and consumers misbehave', () => {
  it('still end with the answer when a tool returns or throws anything, and a listener throws anything', async () => {
    // Each throwing listener is logged by design; the lines stay here, bounded, not in the test output.
    using logs = captureLogs();
    const throwingAt = fc.constantFrom<(AgentEvent | CodeEvent)['type'] | 'never'>(
      'never',
      'tool-start',
      'tool-end',
      'model-response',
      'run-end',
    );
    const kinds = fc.constantFrom('json' as const, 'native' as const, 'code' as const);

    await fc.assert(
      fc.asyncProperty(behaviour, kinds, throwingAt, async (generated, kind, throwAt) => {
        const model = createReplayModel(CALL_THEN_ANSWER[kind]);
        const agent =
          kind === 'code'
            ? new TinyCodeAgent({ tools: [hostileTool(generated, false)], chatModel: model })
            : new ReactAgent({ tools: [hostileTool(generated, true)], chatModel: model, toolCalling: kind });
        const onEvent = (event: AgentEvent | CodeEvent): void => {
          if (event.type === throwAt) throw generated.value();
        };
        const result = await agent.run('Call the hostile tool.', { returnResult: true, onEvent });
        expect(settlementProblem(result, model.calls, 3)).toBeUndefined();
        expect(result.output).toBe('done');
      }),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(150) },
    );
    expect(logs.warnings.some((line) => line.startsWith('An event listener threw'))).toBe(true);
    expect(logs.lines.filter((line) => line.message.length > 2_100)).toEqual([]);
  }, 60_000);

  it('stop cleanly when the stream consumer leaves after any event', async () => {
    const kinds = fc.constantFrom('json' as const, 'native' as const, 'code' as const);

    await fc.assert(
      fc.asyncProperty(kinds, fc.nat({ max: 12 }), async (kind, leaveAfter) => {
        const model = createReplayModel(CALL_THEN_ANSWER[kind]);
        const slow = hostileTool({ outcome: 'return', value: () => 'slow result', later: true }, kind !== 'code');
        const agent =
          kind === 'code'
            ? new TinyCodeAgent({ tools: [slow], chatModel: model })
            : new ReactAgent({ tools: [slow], chatModel: model, toolCalling: kind });
        const seen: (AgentEvent | CodeEvent)['type'][] = [];
        for await (const event of agent.stream('Call the hostile tool.')) {
          seen.push(event.type);
          if (seen.length > leaveAfter) break;
        }
        // Leaving the stream stops the run: given turns of the event loop, it calls the model no more.
        const callsWhenLeft = model.calls;
        for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
        expect(model.calls).toBe(callsWhenLeft);
        expect(model.calls).toBeLessThanOrEqual(2);
      }),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(60) },
    );
  }, 60_000);
});
