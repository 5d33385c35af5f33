import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationError, ReplayDivergedError } from '../errors.ts';
import { registerSecret } from '../secrets.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import type { ScriptedStep } from '../testing/scripted-model.ts';
import { tool } from '../tools/tool.ts';
import type { JsonSchema } from '../tools/tool.ts';
import type { AgentEvent } from './agent-events.ts';
import type { AgentProtocol } from './agent-protocol.ts';
import { Agent } from './agent.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import { collectEvents, countedMultiply, createTestAgent } from './test-fixtures.ts';

const TASK = 'What is (6 × 7) × 2?';

// Two calls in step 1, one in step 2, the answer in step 3.
const SCRIPT: ScriptedStep[] = [
  {
    toolCalls: [
      { id: 'a', name: 'multiply', arguments: { a: 6, b: 7 } },
      { id: 'b', name: 'multiply', arguments: { a: 1, b: 1 } },
    ],
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
  },
  { toolCalls: [{ id: 'c', name: 'multiply', arguments: { a: 42, b: 2 } }] },
  '84',
];

// What another process would read back from where the snapshot was saved.
function throughJson(snapshot: RunSnapshot): RunSnapshot {
  return JSON.parse(JSON.stringify(snapshot)) as RunSnapshot;
}

describe('snapshots and resume', () => {
  it('resumes from the snapshot of every step in a fresh agent, to the same answer and transcript', async () => {
    const first = { count: 0 };
    const snapshots: RunSnapshot[] = [];
    const whole = await createTestAgent(createScriptedModel(SCRIPT), { tools: [countedMultiply(first)] }).run(TASK, {
      returnResult: true,
      onSnapshot: (snapshot) => {
        snapshots.push(throughJson(snapshot));
      },
    });
    expect(whole.output).toBe('84');
    expect(snapshots.map((snapshot) => [snapshot.step, snapshot.status])).toEqual([
      [1, 'running'],
      [2, 'running'],
      [3, 'running'],
    ]);

    for (const snapshot of snapshots.slice(0, 2)) {
      const runs = { count: 0 };
      const model = createScriptedModel(SCRIPT.slice(snapshot.step));
      const agent = createTestAgent(model, { tools: [countedMultiply(runs)] });

      const resumed = await agent.resume(snapshot, { returnResult: true });

      expect(resumed).toMatchObject({ state: 'completed', output: '84', stepsTaken: 3 });
      expect(resumed.messages).toEqual(whole.messages);
      expect(resumed.usage).toEqual(whole.usage);
      expect(resumed.metadata.runId).toBe(whole.metadata.runId);
      expect(resumed.steps.map((step) => step.toolCalls.map((call) => call.output))).toEqual(
        whole.steps.map((step) => step.toolCalls.map((call) => call.output)),
      );
      // Only the steps after the snapshot ran: the model was asked the rest, each tool call ran once.
      expect(model.requests).toHaveLength(3 - snapshot.step);
      expect(runs.count).toBe(snapshot.step === 1 ? 1 : 0);
    }
  });

  it('tells listeners only what happens after the snapshot, continuing its sequence numbers', async () => {
    const snapshots: RunSnapshot[] = [];
    const { events: original, onEvent } = collectEvents();
    await createTestAgent(createScriptedModel(SCRIPT)).run(TASK, {
      onEvent,
      onSnapshot: (snapshot) => void snapshots.push(snapshot),
    });
    const { events, onEvent: listen } = collectEvents();
    const [, second] = snapshots;

    await createTestAgent(createScriptedModel(SCRIPT.slice(2))).resume(second!, { onEvent: listen });

    const strip = ({ seq, type, step }: AgentEvent) => ({ seq, type, step });
    const afterStep2 = original.filter((event) => event.step === 3 && event.type !== 'run-end').map(strip);
    expect(events[0]).toMatchObject({ type: 'run-start', resumed: true, step: 0, seq: 1 });
    expect(events.slice(1, -1).map(strip)).toEqual(afterStep2);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', seq: original.at(-1)?.seq });
  });

  it('keeps in each snapshot the transcript of its own step, however long the run goes on after it', async () => {
    const snapshots: RunSnapshot[] = [];
    const lengths: number[] = [];
    await createTestAgent(createScriptedModel(SCRIPT)).run(TASK, {
      onSnapshot: (snapshot) => {
        snapshots.push(snapshot);
        lengths.push(snapshot.transcript.length);
      },
    });

    expect(snapshots.map((snapshot) => snapshot.transcript.length)).toEqual(lengths);
    expect(new Set(lengths).size).toBe(lengths.length);
  });

  it('shares one frozen tool list among snapshots, so no snapshot can alter what the agent checks on resume', async () => {
    const snapshots: RunSnapshot[] = [];
    const agent = createTestAgent(createScriptedModel(SCRIPT));
    await agent.run(TASK, { onSnapshot: (snapshot) => void snapshots.push(snapshot) });
    const [first] = snapshots;
    if (first === undefined) throw new Error('the run took no snapshot');

    // The type says read-only; the test checks that a caller who casts that away changes nothing.
    expect(() =>
      (first.tools as { name: string; schemaHash: string }[]).push({ name: 'extra', schemaHash: 'x' }),
    ).toThrow(TypeError);
    expect(() => {
      (first.tools[0] as { name: string }).name = 'renamed';
    }).toThrow(TypeError);
    expect(snapshots.at(-1)?.tools.map((entry) => entry.name)).not.toContain('extra');
    expect(snapshots.at(-1)?.tools[0]?.name).not.toBe('renamed');
  });

  it('takes a JSON string as well as a snapshot object, and a larger step limit', async () => {
    let saved = '';
    await createTestAgent(createScriptedModel(SCRIPT.slice(0, 1))).run(TASK, {
      maxSteps: 1,
      returnResult: true,
      onSnapshot: (snapshot) => {
        saved = JSON.stringify(snapshot);
      },
    });

    const agent = createTestAgent(createScriptedModel(SCRIPT.slice(1)));

    await expect(agent.resume(saved, { maxSteps: 3 })).resolves.toBe('84');
  });

  it('keeps known secrets out of snapshots', async () => {
    const secret = 'sk-resume-test-0123456789abcdef';
    registerSecret(secret);
    const leaky = tool({
      name: 'multiply',
      description: 'Multiplies two numbers.',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }) => `${a * b} (computed with ${secret})`,
    });
    const texts: string[] = [];

    await createTestAgent(createScriptedModel(SCRIPT), { tools: [leaky] }).run(`${TASK} My key is ${secret}.`, {
      onSnapshot: (snapshot) => void texts.push(JSON.stringify(snapshot)),
    });

    expect(texts).toHaveLength(3);
    for (const text of texts) expect(text).not.toContain(secret);
    expect(texts[2]).toContain('[redacted]');
  });

  it('ends the run with the error of a snapshot that cannot be saved', async () => {
    const failure = new Error('the disk is full');
    const model = createScriptedModel(SCRIPT);

    const result = await createTestAgent(model).run(TASK, {
      returnResult: true,
      onSnapshot: () => Promise.reject(failure),
    });

    expect(result).toMatchObject({ state: 'error', error: failure, stepsTaken: 1 });
    expect(model.requests).toHaveLength(1);
  });

  describe('refuses with a ConfigurationError', () => {
    async function snapshotOfStep1(): Promise<RunSnapshot> {
      const snapshots: RunSnapshot[] = [];
      await createTestAgent(createScriptedModel(SCRIPT)).run(TASK, {
        onSnapshot: (snapshot) => void snapshots.push(throughJson(snapshot)),
      });
      return snapshots[0]!;
    }

    it.each([
      ['another format version', (s: RunSnapshot) => ({ ...s, version: 2 }), 'format version 2'],
      ['another kind of agent', (s: RunSnapshot) => ({ ...s, agent: 'OtherAgent' }), 'taken by OtherAgent'],
      ['a value that is not a snapshot', () => ({ task: 'x' }), 'not a RunSnapshot'],
      ['text that is not JSON', () => '{"version": 1', 'not JSON'],
      [
        'a journal whose model reply is not one',
        (s: RunSnapshot) => ({ ...s, journal: [{ id: '1/model', result: { content: 42 } }] }),
        'journal.0.result',
      ],
      [
        'usage below zero',
        (s: RunSnapshot) => ({ ...s, usage: { ...s.usage, inputTokens: -100 } }),
        'usage.inputTokens',
      ],
      [
        'a pause for approval that waits for none',
        (s: RunSnapshot) => ({ ...s, status: 'awaiting_approval', pendingApprovals: [] }),
        "status 'awaiting_approval' lists the approvals it waits for",
      ],
      ['an empty run id', (s: RunSnapshot) => ({ ...s, runId: '' }), 'runId'],
    ])('%s', async (_, change, said) => {
      const snapshot = change(await snapshotOfStep1());
      const agent = createTestAgent(createScriptedModel(['84']));

      await expect(agent.resume(snapshot as RunSnapshot)).rejects.toThrow(ConfigurationError);
      await expect(agent.resume(snapshot as RunSnapshot)).rejects.toThrow(said);
    });

    it('a snapshot taken with other tools, saying which differ', async () => {
      const snapshot = await snapshotOfStep1();
      const changed = tool({
        name: 'multiply',
        description: 'Multiplies two numbers.',
        parameters: z.object({ a: z.number(), b: z.string() }),
        execute: () => 0,
      });
      const extra = tool({ name: 'add', description: 'Adds.', execute: () => 0 });
      const agent = createTestAgent(createScriptedModel(['84']), { tools: [changed, extra] });

      await expect(agent.resume(snapshot)).rejects.toThrow(
        'The snapshot was taken with other tools: this agent adds add; the arguments of multiply changed.',
      );
    });

    it('a snapshot taken with a JSON Schema tool whose schema changed since (an MCP server updated, say)', async () => {
      const multiplyFromServer = (b: JsonSchema) =>
        tool({
          name: 'multiply',
          description: 'Multiplies two numbers.',
          inputSchema: { type: 'object', properties: { a: { type: 'number' }, b }, required: ['a', 'b'] },
          execute: (args) => Number(args.a) * Number(args.b),
        });
      const snapshots: RunSnapshot[] = [];
      await createTestAgent(createScriptedModel(SCRIPT), { tools: [multiplyFromServer({ type: 'number' })] }).run(
        TASK,
        { onSnapshot: (snapshot) => void snapshots.push(throughJson(snapshot)) },
      );
      const snapshot = snapshots[0]!;
      const resumeWith = (b: JsonSchema) =>
        createTestAgent(createScriptedModel(SCRIPT.slice(1)), { tools: [multiplyFromServer(b)] }).resume(snapshot);

      await expect(resumeWith({ type: 'number' })).resolves.toBe('84');
      await expect(resumeWith({ type: 'number', minimum: 0 })).rejects.toThrow(
        'The snapshot was taken with other tools: the arguments of multiply changed.',
      );
    });

    it('a step limit below the steps the run had taken, which would stop it without a new step', async () => {
      const snapshots: RunSnapshot[] = [];
      await createTestAgent(createScriptedModel(SCRIPT)).run(TASK, {
        onSnapshot: (snapshot) => void snapshots.push(throughJson(snapshot)),
      });
      const model = createScriptedModel(['84']);
      const agent = createTestAgent(model);

      await expect(agent.resume(snapshots[1]!, { maxSteps: 1 })).rejects.toThrow(
        "TestAgent's resume: maxSteps 1 is below the 2 steps the run had taken when the snapshot was taken",
      );
      await expect(agent.resume({ ...snapshots[1]!, maxSteps: 1 })).rejects.toThrow(ConfigurationError);
      expect(model.requests).toHaveLength(0);
      await expect(agent.resume(snapshots[1]!, { maxSteps: 2, returnResult: true })).resolves.toMatchObject({
        state: 'step_limit_reached',
        stepsTaken: 2,
      });
    });

    it('an unknown option, naming it', async () => {
      const snapshot = await snapshotOfStep1();
      const agent = createTestAgent(createScriptedModel(['84']));

      await expect(agent.resume(snapshot, { history: [] } as never)).rejects.toThrow("unknown option 'history'");
    });
  });

  it('ends a replay that makes other tool calls than recorded with a ReplayDivergedError naming the step', async () => {
    // A protocol whose tool arguments do not come from the model: replayed, they differ.
    let counter = 0;
    const protocol: AgentProtocol = {
      agentName: 'CounterAgent',
      systemPrompt: 'Count.',
      start: (run) => ({
        step: async () => {
          await run.callModel({});
          counter += 1;
          const [outcome] = await run.invokeTools([{ id: 'x', name: 'multiply', arguments: { a: counter, b: 1 } }]);
          if (run.step === 2) run.finish(outcome?.output);
        },
      }),
    };
    const make = () =>
      new Agent({
        protocol,
        tools: [countedMultiply({ count: 0 })],
        model: createScriptedModel(['a', 'b']),
        defaultMaxSteps: 3,
      });
    const snapshots: RunSnapshot[] = [];
    await make().run(TASK, { onSnapshot: (snapshot) => void snapshots.push(snapshot) });

    const result = await make().resume(snapshots[0]!, { returnResult: true });

    expect(result.state).toBe('error');
    expect(ReplayDivergedError.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({ step: 1, stepId: '1/tool/x' });
    expect(result.error?.message).toContain('multiply({"a":3,"b":1}) as 1/tool/x');
  });
});
