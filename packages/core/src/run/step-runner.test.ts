import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors.ts';
import type { StepRunner } from './step-runner.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import type { ScriptedStep } from '../testing/scripted-model.ts';
import type { AgentProtocol } from './agent-protocol.ts';
import { Agent } from './agent.ts';
import { collectEvents, countedMultiply, createTestAgent, createToolProtocol, multiply } from './test-fixtures.ts';

const TASK = 'What is (6 × 7) × 2?';

// Two calls in step 1, one in step 2, the answer in step 3.
const SCRIPT: ScriptedStep[] = [
  {
    toolCalls: [
      { id: 'a', name: 'multiply', arguments: { a: 6, b: 7 } },
      { id: 'b', name: 'multiply', arguments: { a: 1, b: 1 } },
    ],
  },
  { toolCalls: [{ id: 'c', name: 'multiply', arguments: { a: 42, b: 2 } }] },
  '84',
];

// A durable engine's part: runs each step once and keeps its result as JSON under its id.
function createRecordingRunner(): { runner: StepRunner; ids: string[]; recorded: Map<string, string> } {
  const ids: string[] = [];
  const recorded = new Map<string, string>();
  const runner: StepRunner = {
    run: async (id, work) => {
      ids.push(id);
      const result = await work();
      recorded.set(id, JSON.stringify(result));
      return result;
    },
  };
  return { runner, ids, recorded };
}

// Answers every step from what was recorded, running nothing.
function createReplayingRunner(recorded: ReadonlyMap<string, string>): StepRunner {
  return {
    run: <Result>(id: string) => {
      const text = recorded.get(id);
      if (text === undefined) return Promise.reject(new Error(`nothing recorded for ${id}`));
      return Promise.resolve(JSON.parse(text) as Result);
    },
  };
}

describe('the stepRunner option', () => {
  it('runs every model call and tool execution through the runner, with ids in order', async () => {
    const { runner, ids } = createRecordingRunner();

    const output = await createTestAgent(createScriptedModel(SCRIPT)).run(TASK, { stepRunner: runner });

    expect(output).toBe('84');
    expect(ids).toEqual(['1/model', '1/tool/a', '1/tool/b', '2/model', '2/tool/c', '3/model']);
  });

  it('gives the final attempt the id of the step after the limit', async () => {
    const { runner, ids } = createRecordingRunner();
    const protocol = createToolProtocol([multiply], { finalAttempt: true });

    await createTestAgent(createScriptedModel(SCRIPT.slice(0, 1).concat('42')), { protocol }).run(TASK, {
      maxSteps: 1,
      stepRunner: runner,
    });

    expect(ids).toEqual(['1/model', '1/tool/a', '1/tool/b', '2/model']);
  });

  it('replays a run from recorded results without calling the model or running a tool', async () => {
    const runs = { count: 0 };
    const { runner, recorded } = createRecordingRunner();
    const first = await createTestAgent(createScriptedModel(SCRIPT), { tools: [countedMultiply(runs)] }).run(TASK, {
      stepRunner: runner,
      returnResult: true,
    });
    expect(runs.count).toBe(3);

    const model = createScriptedModel([]);
    const { events, onEvent } = collectEvents();
    const replayed = await createTestAgent(model, { tools: [countedMultiply(runs)] }).run(TASK, {
      stepRunner: createReplayingRunner(recorded),
      returnResult: true,
      onEvent,
    });

    expect(replayed).toMatchObject({ state: 'completed', output: '84', stepsTaken: 3 });
    expect(replayed.messages).toEqual(first.messages);
    expect(replayed.usage).toEqual(first.usage);
    expect(model.requests).toHaveLength(0);
    expect(runs.count).toBe(3);
    // The replay reports the same steps as the run it replays.
    expect(events.filter((event) => event.type === 'tool-end').map((event) => event.output)).toEqual(['42', '1', '84']);
  });

  it('ends the run in error when the runner fails, closing the tool call as failed, not aborted', async () => {
    const failure = new Error('the store is down');
    const runner: StepRunner = {
      run: (id, work) => (id.includes('/tool/') ? Promise.reject(failure) : work()),
    };
    const { events, onEvent } = collectEvents();
    const model = createScriptedModel(SCRIPT.slice(1));

    const result = await createTestAgent(model).run(TASK, { stepRunner: runner, returnResult: true, onEvent });

    expect(result).toMatchObject({ state: 'error', error: failure });
    expect(events.find((event) => event.type === 'tool-end')).toMatchObject({
      output: 'Error: the store is down',
      isError: true,
      error: failure,
    });
  });

  it.each([
    ['an empty object', {}],
    ['an object whose run is not a function', { run: 'now' }],
    ['null', null],
    ['a function', () => undefined],
  ])('refuses %s with a ConfigurationError before running', async (_, stepRunner) => {
    const model = createScriptedModel(['42']);
    const agent = createTestAgent(model);

    const running = agent.run(TASK, { stepRunner: stepRunner as never });

    await expect(running).rejects.toThrow(
      new ConfigurationError('stepRunner must be a StepRunner: an object with a run(id, work) method.'),
    );
    expect(model.requests).toHaveLength(0);
  });

  it("runs an agent's own work through the seam as <step>/<name>, and refuses core's names", async () => {
    const { runner, ids, recorded } = createRecordingRunner();
    const seen: unknown[] = [];
    const protocol: AgentProtocol = {
      agentName: 'ClockAgent',
      systemPrompt: 'You tell the time.',
      start: (run) => ({
        step: async () => {
          seen.push(await run.runStep('clock/1', () => Promise.resolve(1_700_000_000_000)));
          for (const name of ['model', 'tool/x', '', 'a b', '/lead']) {
            await expect(run.runStep(name, () => Promise.resolve(0))).rejects.toThrow(ConfigurationError);
          }
          const reply = await run.callModel({});
          run.finish(reply.content);
        },
      }),
    };
    const agent = new Agent({ protocol, tools: [multiply], model: createScriptedModel(['noon']), defaultMaxSteps: 2 });

    await expect(agent.run('What time is it?', { stepRunner: runner })).resolves.toBe('noon');

    expect(ids).toEqual(['1/clock/1', '1/model']);
    expect(recorded.get('1/clock/1')).toBe('1700000000000');
    expect(seen).toEqual([1_700_000_000_000]);
  });
});
