import { registerSecret, tool, z } from '@tinyagent/core';
import type { RunResult, RunSnapshot, StepRunner, Tool } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import type { ScriptedStep } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import type { ToolCallingMode } from './system-prompt.ts';
import { reply } from './test-fixtures.ts';

// A durable engine's view of a ReactAgent run: every model call and tool execution goes through the
// `stepRunner` under an id, and replaying the recorded results rebuilds the run without doing any
// of that work again.

/** A StepRunner that runs each step and keeps its result as a durable store would: as JSON. */
function createRecordingRunner(): StepRunner & { ids: string[]; results: Map<string, unknown> } {
  const ids: string[] = [];
  const results = new Map<string, unknown>();
  return {
    ids,
    results,
    async run<Result>(id: string, work: () => Promise<Result>): Promise<Result> {
      ids.push(id);
      const result = await work();
      results.set(id, JSON.parse(JSON.stringify(result)) as unknown);
      return result;
    },
  };
}

/** A StepRunner that returns the recorded results and never runs the work. */
function createReplayingRunner(results: ReadonlyMap<string, unknown>): StepRunner & { ids: string[] } {
  const ids: string[] = [];
  return {
    ids,
    run<Result>(id: string): Promise<Result> {
      ids.push(id);
      if (!results.has(id)) return Promise.reject(new Error(`No recorded result for step '${id}'.`));
      return Promise.resolve(structuredClone(results.get(id)) as Result);
    },
  };
}

/** The tools of one run, counting how often they execute. */
function createCountingTools(): { tools: Tool[]; executions: string[] } {
  const executions: string[] = [];
  const weather = tool({
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      executions.push(`get_weather ${city}`);
      return { city, sky: city === 'Oslo' ? 'snow' : 'sunny' };
    },
  });
  const add = tool({
    name: 'add',
    description: 'Adds two numbers.',
    parameters: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => {
      executions.push(`add ${a} ${b}`);
      return a + b;
    },
  });
  return { tools: [weather, add], executions };
}

interface Scenario {
  script: ScriptedStep[];
  maxSteps: number;
  /** The step ids the run goes through, in the order it starts them. */
  ids: string[];
  /** The tool executions of the recorded run. */
  executions: string[];
  answer: string;
}

const scenarios: Record<ToolCallingMode, Scenario> = {
  // A tool call, an unusable reply (a correction, no tool), a call with bad arguments, the answer.
  json: {
    script: [
      reply({ tool: 'get_weather', arguments: { city: 'Paris' } }),
      'not json',
      reply({ tool: 'add', arguments: { a: 'one', b: 2 } }),
      reply({ answer: 'Sunny in Paris.' }),
    ],
    maxSteps: 10,
    ids: ['1/model', '1/tool/step-1', '2/model', '3/model', '3/tool/step-3', '4/model'],
    executions: ['get_weather Paris'],
    answer: 'Sunny in Paris.',
  },
  // Two parallel calls, one more call at the step limit, then the final attempt.
  native: {
    script: [
      {
        toolCalls: [
          { id: 'call_w', name: 'get_weather', arguments: { city: 'Oslo' } },
          { id: 'call_a', name: 'add', arguments: { a: 2, b: 3 } },
        ],
      },
      { toolCalls: [{ id: 'call_u', name: 'teleport', arguments: { to: 'Mars' } }] },
      'Snow in Oslo; 5.',
    ],
    maxSteps: 2,
    ids: ['1/model', '1/tool/call_w', '1/tool/call_a', '2/model', '2/tool/call_u', '3/model'],
    executions: ['get_weather Oslo', 'add 2 3'],
    answer: 'Snow in Oslo; 5.',
  },
};

describe.each(['json', 'native'] as const)('ReactAgent on a step runner, %s protocol', (toolCalling) => {
  const scenario = scenarios[toolCalling];

  it('sends every model call and tool execution through the step runner under its step id', async () => {
    const recorder = createRecordingRunner();
    const { tools, executions } = createCountingTools();
    const model = createScriptedModel(scenario.script);

    const result = await new ReactAgent({ tools, chatModel: model, toolCalling }).run('Weather?', {
      maxSteps: scenario.maxSteps,
      returnResult: true,
      stepRunner: recorder,
    });

    expect(result.finalAnswer?.value).toBe(scenario.answer);
    expect(recorder.ids).toEqual(scenario.ids);
    expect([...recorder.results.keys()].toSorted()).toEqual(scenario.ids.toSorted());
    expect(executions).toEqual(scenario.executions);
    expect(model.remaining).toBe(0);
  });

  it('replays the recorded results to the same transcript without calling the model or the tools', async () => {
    const recorder = createRecordingRunner();
    const recordedRun = createCountingTools();
    const recorded = await new ReactAgent({
      tools: recordedRun.tools,
      chatModel: createScriptedModel(scenario.script),
      toolCalling,
    }).run('Weather?', { maxSteps: scenario.maxSteps, returnResult: true, stepRunner: recorder });
    const replayer = createReplayingRunner(recorder.results);
    const replayedRun = createCountingTools();
    // A model with no replies left: a call to it would end the run in the error state.
    const idle = createScriptedModel([]);

    const replayed = await new ReactAgent({ tools: replayedRun.tools, chatModel: idle, toolCalling }).run('Weather?', {
      maxSteps: scenario.maxSteps,
      returnResult: true,
      stepRunner: replayer,
    });

    expect(replayed.messages).toEqual(recorded.messages);
    expect(replayed).toMatchObject({
      state: recorded.state,
      output: recorded.output,
      stepsTaken: recorded.stepsTaken,
      usage: recorded.usage,
    });
    // The answer's timestamp is the replay's own; the rest is the recorded run's.
    const { value, source, metadata } = recorded.finalAnswer ?? {};
    expect(value).toBe(scenario.answer);
    expect(replayed.finalAnswer).toMatchObject({ value, source, metadata });
    const outputs = (run: typeof recorded) => run.steps.map((step) => step.toolCalls.map((call) => call.output));
    expect(outputs(replayed)).toEqual(outputs(recorded));
    expect(replayer.ids).toEqual(scenario.ids);
    expect(idle.requests).toEqual([]);
    expect(replayedRun.executions).toEqual([]);
    expect(recordedRun.executions).toEqual(scenario.executions);
  });

  it('records only redacted results: a durable store never holds a known secret', async () => {
    const secret = `sk-replay-secret-${toolCalling}-0123`;
    registerSecret(secret);
    const echo = tool({
      name: 'echo',
      description: 'Echoes its text.',
      parameters: z.object({ text: z.string() }),
      execute: ({ text }) => `echo: ${text} and ${secret}`,
    });
    const script: ScriptedStep[] =
      toolCalling === 'json'
        ? [reply({ tool: 'echo', arguments: { text: secret } }), reply({ answer: `The key is ${secret}.` })]
        : [{ toolCalls: [{ name: 'echo', arguments: { text: secret } }] }, `The key is ${secret}.`];
    const recorder = createRecordingRunner();

    const result = await new ReactAgent({ tools: [echo], chatModel: createScriptedModel(script), toolCalling }).run(
      'Echo the key.',
      { returnResult: true, stepRunner: recorder },
    );

    expect(result.state).toBe('completed');
    expect(recorder.results.size).toBe(3);
    const stored = JSON.stringify([...recorder.results]);
    expect(stored).toContain('[redacted]');
    expect(stored).not.toContain(secret);
  });

  it('resumes from the snapshot of every step in a fresh agent, to the same transcript, running only what came after', async () => {
    const recordedRun = createCountingTools();
    const snapshots: RunSnapshot[] = [];
    const whole = await new ReactAgent({
      tools: recordedRun.tools,
      chatModel: createScriptedModel(scenario.script),
      toolCalling,
    }).run('Weather?', {
      maxSteps: scenario.maxSteps,
      returnResult: true,
      onSnapshot: (snapshot) => void snapshots.push(JSON.parse(JSON.stringify(snapshot)) as RunSnapshot),
    });
    expect(snapshots.map((snapshot) => snapshot.step)).toEqual(
      Array.from({ length: scenario.maxSteps === 2 ? 2 : 4 }, (_, index) => index + 1),
    );

    for (const snapshot of snapshots) {
      const resumedRun = createCountingTools();
      const model = createScriptedModel(scenario.script.slice(snapshot.step));
      const agent = new ReactAgent({ tools: resumedRun.tools, chatModel: model, toolCalling });

      const resumed = await agent.resume(snapshot, { returnResult: true });

      expect(resumed.messages).toEqual(whole.messages);
      expect(resumed).toMatchObject({ state: whole.state, output: scenario.answer, usage: whole.usage });
      expect(model.remaining).toBe(0);
      // Each tool ran once over both runs: the recorded run's calls up to the snapshot, the rest here.
      expect([...executionsUpTo(whole, snapshot.step), ...resumedRun.executions]).toEqual(scenario.executions);
    }
  });

  it('refuses a snapshot of the other protocol', async () => {
    const snapshots: RunSnapshot[] = [];
    const { tools } = createCountingTools();
    await new ReactAgent({ tools, chatModel: createScriptedModel(scenario.script), toolCalling }).run('Weather?', {
      maxSteps: scenario.maxSteps,
      onSnapshot: (snapshot) => void snapshots.push(snapshot),
    });
    const other = toolCalling === 'json' ? 'native' : 'json';
    const agent = new ReactAgent({ tools, chatModel: createScriptedModel([]), toolCalling: other });

    await expect(agent.resume(snapshots[0]!)).rejects.toThrow(
      `The snapshot was taken by ReactAgent/${toolCalling}; this agent is ReactAgent/${other}.`,
    );
  });
});

// The tool executions of a run's steps up to `step`, as its step records show them.
function executionsUpTo(result: RunResult, step: number): string[] {
  return result.steps
    .filter((record) => record.step <= step)
    .flatMap((record) => record.toolCalls.filter((call) => !call.isError))
    .map((call) => {
      const args = call.arguments as Record<string, unknown>;
      return call.toolName === 'add' ? `add ${String(args.a)} ${String(args.b)}` : `get_weather ${String(args.city)}`;
    });
}
