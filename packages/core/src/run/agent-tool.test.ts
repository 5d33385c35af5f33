import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationError } from '../errors.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import type { ScriptedStep } from '../testing/scripted-model.ts';
import { tool } from '../tools/tool.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import { collectEvents, createTestAgent } from './test-fixtures.ts';

const usage = (tokens: number) => ({ inputTokens: tokens, outputTokens: 0, totalTokens: tokens });

// The parent asks its `math` tool (another agent); that agent multiplies and answers.
const PARENT: ScriptedStep[] = [
  { toolCalls: [{ id: 'ask', name: 'math', arguments: { task: 'What is 6 × 7?' } }], usage: usage(100) },
  { content: 'The answer is 42.', usage: usage(10) },
];
const CHILD: ScriptedStep[] = [
  { toolCalls: [{ id: 'm', name: 'multiply', arguments: { a: 6, b: 7 } }], usage: usage(1) },
  { content: '42', usage: usage(2) },
];

function createParent(child: ReturnType<typeof createTestAgent>, script: ScriptedStep[] = PARENT) {
  const model = createScriptedModel(script);
  const math = child.asTool({ name: 'math', description: 'Answers arithmetic questions.' });
  return { model, agent: createTestAgent(model, { tools: [math] }) };
}

describe('agent.asTool', () => {
  it("answers a parent's call with the agent's answer, its events nested and its usage counted", async () => {
    const childModel = createScriptedModel(CHILD);
    const { agent, model } = createParent(createTestAgent(childModel));
    const { events, onEvent } = collectEvents();

    const result = await agent.run('Ask math for 6 × 7.', { returnResult: true, onEvent });

    expect(result.output).toBe('The answer is 42.');
    const parentRunId = result.metadata.runId;
    const nested = events.filter((event) => event.parentRunId !== undefined);
    expect(nested.map((event) => event.type)).toContain('run-start');
    expect(nested.every((event) => event.parentRunId === parentRunId && event.runId !== parentRunId)).toBe(true);
    expect(nested.find((event) => event.type === 'tool-end')).toMatchObject({ toolName: 'multiply', output: '42' });
    expect(result.usage).toEqual({
      requests: 4,
      requestsWithoutUsage: 0,
      inputTokens: 113,
      outputTokens: 0,
      totalTokens: 113,
    });
    expect(JSON.stringify(model.requests[1]?.messages)).toContain('"content":"42"');
  });

  it('passes the calling run’s abort on to the agent it runs', async () => {
    const stopped = { value: false };
    const wait = tool({
      name: 'multiply',
      description: 'Waits until cancelled.',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: (_args, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            stopped.value = true;
            resolve(0);
          });
        }),
    });
    const { agent } = createParent(createTestAgent(createScriptedModel(CHILD), { tools: [wait] }));

    const result = await agent.run('Ask math.', { returnResult: true, timeoutMs: 200 });

    expect(result.state).toBe('aborted');
    expect(stopped.value).toBe(true);
  });

  it('fails the call, for the calling model to read, when the agent ends without an answer', async () => {
    const child = createTestAgent(createScriptedModel([CHILD[0]!]), { defaultMaxSteps: 1 });
    const { agent, model } = createParent(child, [PARENT[0]!, 'It could not say.']);

    await expect(agent.run('Ask math.')).resolves.toBe('It could not say.');

    const observation = model.requests[1]?.messages.find((message) => message.role === 'tool');
    expect(observation?.content).toMatch(/^Error: Tool 'math' failed: StepLimitReached: The agent took 1 steps/);
  });

  it('pauses the calling run for an approval inside the agent, and one snapshot resumes both', async () => {
    const paid: number[] = [];
    const pay = tool({
      name: 'multiply',
      description: 'Multiplies, at a price.',
      parameters: z.object({ a: z.number(), b: z.number() }),
      needsApproval: true,
      execute: ({ a, b }) => {
        paid.push(a * b);
        return a * b;
      },
    });
    const first = createParent(createTestAgent(createScriptedModel(CHILD), { tools: [pay] }));

    const paused = await first.agent.run('Ask math.', { returnResult: true });

    expect(paused).toMatchObject({
      state: 'awaiting_approval',
      pendingApprovals: [
        { kind: 'tool-call', callId: 'ask/m', step: 1, toolName: 'multiply', arguments: { a: 6, b: 7 } },
      ],
    });
    expect(paid).toEqual([]);
    const snapshot = JSON.parse(JSON.stringify(paused.snapshot)) as RunSnapshot;
    expect(snapshot.subRuns).toMatchObject([{ step: 1, callId: 'ask', snapshot: { status: 'awaiting_approval' } }]);

    // Another process: fresh agents, models holding only the replies not given yet.
    const childModel = createScriptedModel(CHILD.slice(1));
    const second = createParent(createTestAgent(childModel, { tools: [pay] }), PARENT.slice(1));
    const result = await second.agent.resume(snapshot, {
      approvals: { 'ask/m': { approved: true } },
      returnResult: true,
    });

    expect(result.output).toBe('The answer is 42.');
    expect(paid).toEqual([42]);
    expect(childModel.remaining).toBe(0);
    expect(result.usage.totalTokens).toBe(113);
  });

  it('fails a call made outside any agent run whose agent waits for approval', async () => {
    const pay = tool({ name: 'multiply', description: 'Pays.', needsApproval: true, execute: () => 0 });
    const child = createTestAgent(
      createScriptedModel([{ toolCalls: [{ id: 'm', name: 'multiply', arguments: {} }] }]),
      {
        tools: [pay],
      },
    );

    await expect(child.asTool({ name: 'math', description: 'Math.' }).run({ task: 'Pay.' })).rejects.toThrow(
      "asTool 'math': the agent's run waits for approval, which only a calling agent run can pause for.",
    );
  });

  it('refuses an unknown option, and builds the task from custom parameters', async () => {
    const child = createTestAgent(createScriptedModel(['42']));

    expect(() => child.asTool({ name: 'math', description: 'Math.', timeout: 5 } as never)).toThrow(ConfigurationError);
    const custom = child.asTool({
      name: 'math',
      description: 'Math.',
      parameters: z.object({ a: z.number(), b: z.number() }),
      task: ({ a, b }) => `What is ${a} × ${b}?`,
    });
    await expect(custom.run({ a: 6, b: 7 })).resolves.toBe('42');
  });
});
