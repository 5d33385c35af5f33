import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApprovalRequiredError, ConfigurationError } from '../errors.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import type { ScriptedStep } from '../testing/scripted-model.ts';
import { tool } from '../tools/tool.ts';
import type { NeedsApproval } from '../tools/tool.ts';
import { RunPaused } from './approvals.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import { collectEvents, createTestAgent, eventsOfType } from './test-fixtures.ts';

const TASK = 'Pay Ada 250 and tell me 6 × 7.';

// One turn calls a tool that needs approval and one that does not; then the answer.
const SCRIPT: ScriptedStep[] = [
  {
    toolCalls: [
      { id: 'pay-1', name: 'pay', arguments: { to: 'Ada', amount: 250 } },
      { id: 'mul-1', name: 'multiply', arguments: { a: 6, b: 7 } },
    ],
  },
  'Paid; 42.',
];

function createTools(needsApproval: NeedsApproval<{ to: string; amount: number }> = true) {
  const calls = { pay: 0, multiply: 0 };
  const pay = tool({
    name: 'pay',
    description: 'Pays someone.',
    parameters: z.object({ to: z.string(), amount: z.number() }),
    needsApproval,
    execute: ({ to, amount }) => {
      calls.pay += 1;
      return `paid ${to} ${amount}`;
    },
  });
  const multiply = tool({
    name: 'multiply',
    description: 'Multiplies two numbers.',
    parameters: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => {
      calls.multiply += 1;
      return a * b;
    },
  });
  return { calls, tools: [pay, multiply] };
}

// Runs the script until it pauses; the snapshot as another process would read it back.
async function pausedRun() {
  const { calls, tools } = createTools();
  const { events, onEvent } = collectEvents();
  const result = await createTestAgent(createScriptedModel(SCRIPT), { tools }).run(TASK, {
    returnResult: true,
    onEvent,
  });
  const snapshot = JSON.parse(JSON.stringify(result.snapshot)) as RunSnapshot;
  return { result, snapshot, calls, events };
}

describe('tool calls that need approval', () => {
  it('pause the run before the call, after running the calls that need none', async () => {
    const { result, snapshot, calls, events } = await pausedRun();

    expect(result).toMatchObject({
      state: 'awaiting_approval',
      output: '',
      pendingApprovals: [
        { kind: 'tool-call', callId: 'pay-1', step: 1, toolName: 'pay', arguments: { to: 'Ada', amount: 250 } },
      ],
    });
    expect(ApprovalRequiredError.isInstance(result.error)).toBe(true);
    expect(calls).toEqual({ pay: 0, multiply: 1 });
    expect(snapshot).toMatchObject({ status: 'awaiting_approval', step: 1, pendingApprovals: result.pendingApprovals });
    expect(eventsOfType(events, 'approval-requested')).toMatchObject([{ approval: { callId: 'pay-1' }, step: 1 }]);
    expect(eventsOfType(events, 'tool-start').map((event) => event.toolName)).toEqual(['multiply']);
  });

  it('run the approved call on resume, once, and never the others again', async () => {
    const { snapshot } = await pausedRun();
    const { calls, tools } = createTools();
    const model = createScriptedModel(SCRIPT.slice(1));
    const { events, onEvent } = collectEvents();

    const result = await createTestAgent(model, { tools }).resume(snapshot, {
      approvals: { 'pay-1': { approved: true } },
      returnResult: true,
      onEvent,
    });

    expect(result).toMatchObject({ state: 'completed', output: 'Paid; 42.' });
    expect(calls).toEqual({ pay: 1, multiply: 0 });
    expect(result.messages.filter((message) => message.role === 'tool').map((message) => message.content)).toEqual([
      'paid Ada 250',
      '42',
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'run-start',
      'approval-resolved',
      'tool-start',
      'tool-end',
      'step-start',
      'model-request',
      'model-response',
      'final-answer',
      'run-end',
    ]);
    expect(eventsOfType(events, 'approval-resolved')).toMatchObject([{ callId: 'pay-1', approved: true }]);
  });

  it('give the model a declined call as an observation with the reason', async () => {
    const { snapshot } = await pausedRun();
    const { calls, tools } = createTools();
    const model = createScriptedModel(['I did not pay; 42.']);

    const answer = await createTestAgent(model, { tools }).resume(snapshot, {
      approvals: { 'pay-1': { approved: false, reason: 'Ada was paid yesterday' } },
    });

    expect(answer).toBe('I did not pay; 42.');
    expect(calls.pay).toBe(0);
    const observation = model.requests[0]?.messages.find(
      (message) => message.role === 'tool' && message.toolCallId === 'pay-1',
    );
    expect(observation?.content).toBe(
      'Error: The user declined this call, so it did not run. Reason: Ada was paid yesterday. Do not retry it unchanged; answer without it or try another way.',
    );
  });

  it('can be read from a saved snapshot without resuming it', async () => {
    const { snapshot } = await pausedRun();
    const model = createScriptedModel([]);
    const agent = createTestAgent(model, { tools: createTools().tools });

    const read = agent.readSnapshot(JSON.stringify(snapshot));

    expect(read.pendingApprovals).toEqual(snapshot.pendingApprovals);
    expect(() => createTestAgent(model).readSnapshot(snapshot)).toThrow('The snapshot was taken with other tools');
  });

  it('keep waiting when resumed without a decision, and a later resume still works', async () => {
    const { snapshot } = await pausedRun();
    const { calls, tools } = createTools();

    const again = await createTestAgent(createScriptedModel([]), { tools }).resume(snapshot, { returnResult: true });

    expect(again).toMatchObject({ state: 'awaiting_approval', pendingApprovals: [{ callId: 'pay-1' }] });
    const later = createTestAgent(createScriptedModel(SCRIPT.slice(1)), { tools });
    await expect(later.resume(again.snapshot!, { approvals: { 'pay-1': { approved: true } } })).resolves.toBe(
      'Paid; 42.',
    );
    expect(calls).toEqual({ pay: 1, multiply: 0 });
  });

  it('make run() reject with an ApprovalRequiredError carrying the snapshot', async () => {
    const { tools } = createTools();

    const running = createTestAgent(createScriptedModel(SCRIPT), { tools }).run(TASK);

    const error = await running.catch((thrown: unknown) => thrown);
    expect(ApprovalRequiredError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      pendingApprovals: [{ callId: 'pay-1' }],
      snapshot: { status: 'awaiting_approval' },
      message: expect.stringContaining('waits for approval of pay-1') as unknown,
    });
  });

  it('ask a needsApproval function with the validated arguments, per call', async () => {
    const seen: unknown[] = [];
    const { calls, tools } = createTools((args, context) => {
      seen.push([args, context.toolCallId, typeof context.run.id]);
      return args.amount > 1000;
    });

    const answer = await createTestAgent(createScriptedModel(SCRIPT), { tools }).run(TASK);

    expect(answer).toBe('Paid; 42.');
    expect(calls).toEqual({ pay: 1, multiply: 1 });
    expect(seen).toEqual([[{ to: 'Ada', amount: 250 }, 'pay-1', 'string']]);
  });

  it('ask the needsApproval function of a JSON Schema tool with its checked arguments, and pause', async () => {
    const seen: unknown[] = [];
    const pay = tool({
      name: 'pay',
      description: 'Pays someone.',
      inputSchema: { type: 'object', properties: { to: { type: 'string' }, amount: { type: 'number' } } },
      needsApproval: (args) => {
        seen.push(args);
        return Number(args.amount) > 100;
      },
      execute: () => 'paid',
    });
    const { tools } = createTools();

    const result = await createTestAgent(createScriptedModel(SCRIPT), { tools: [pay, tools[1]!] }).run(TASK, {
      returnResult: true,
    });

    expect(seen).toEqual([{ to: 'Ada', amount: 250 }]);
    expect(result).toMatchObject({ state: 'awaiting_approval', pendingApprovals: [{ callId: 'pay-1' }] });
  });

  it('wait for approval when the needsApproval function throws', async () => {
    const { tools } = createTools(() => {
      throw new Error('the policy service is down');
    });

    const result = await createTestAgent(createScriptedModel(SCRIPT), { tools }).run(TASK, { returnResult: true });

    expect(result.state).toBe('awaiting_approval');
  });

  it('refuse decisions on calls the snapshot does not wait for, and malformed decisions', async () => {
    const { snapshot } = await pausedRun();
    const agent = createTestAgent(createScriptedModel([]), { tools: createTools().tools });

    await expect(agent.resume(snapshot, { approvals: { 'pay-2': { approved: true } } })).rejects.toThrow(
      new ConfigurationError("approvals: the snapshot does not wait for 'pay-2'; it waits for pay-1."),
    );
    await expect(agent.resume(snapshot, { approvals: { 'pay-1': { approved: 'yes' } } as never })).rejects.toThrow(
      "approvals['pay-1'] must be { approved: true } or { approved: false, reason?: string }",
    );
  });

  it('refuse a needsApproval that is neither a boolean nor a function, and a misspelt option', () => {
    const base = { name: 'pay', description: 'Pays.', execute: () => 0 };

    expect(() => tool({ ...base, needsApproval: 'yes' as never })).toThrow(
      "Tool 'pay': needsApproval must be true, false or a function (args, context) => boolean.",
    );
    expect(() => tool({ ...base, requireApproval: true } as never)).toThrow(
      "tool 'pay': unknown option 'requireApproval'. Use 'needsApproval'.",
    );
  });
});

describe('RunPaused.isInstance', () => {
  it('knows a pause by its registered brand, as another copy of core makes it, and nothing by its name alone', () => {
    const fromAnotherCopy = Object.defineProperty(new Error('paused'), Symbol.for('@tinyagent/core/run-paused'), {
      value: true,
    });
    const lookalike = Object.assign(new Error('The run is waiting for approval.'), { name: 'RunPaused' });
    expect(RunPaused.isInstance(new RunPaused())).toBe(true);
    expect(RunPaused.isInstance(fromAnotherCopy)).toBe(true);
    expect(RunPaused.isInstance(lookalike)).toBe(false);
    expect(RunPaused.isInstance(undefined)).toBe(false);
  });
});
