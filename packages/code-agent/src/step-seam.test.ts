import { ConfigurationError, tool, z } from '@tinyagent/core';
import type { StepRunner } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { TinyCodeAgent } from './code-agent.ts';

const js = (code: string): string => `\`\`\`js\n${code}\n\`\`\``;

// A tool that counts its executions, so a replay that ran it again would show.
function createCounter(): { add: ReturnType<typeof tool>; executions: () => number } {
  let count = 0;
  const add = tool({
    name: 'add',
    description: 'Adds two numbers.',
    parameters: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => {
      count += 1;
      return a + b;
    },
  });
  return { add, executions: () => count };
}

const SCRIPT = [
  js('const sum = add({ a: 2, b: 3 }); const twice = add({ a: sum, b: sum });'),
  js('final_answer(twice)'),
];

function recordingRunner(journal: Map<string, unknown>, ids: string[]): StepRunner {
  return {
    run: async (id, work) => {
      ids.push(id);
      const result = await work();
      journal.set(id, structuredClone(result));
      return result;
    },
  };
}

// What a durable engine's journal throws when a replay asks for a step the original run never took.
class NotRecordedError extends Error {
  readonly stepId: string;
  constructor(stepId: string) {
    super(`nothing recorded for ${stepId}`);
    this.stepId = stepId;
  }
}

function replayingRunner(journal: Map<string, unknown>): StepRunner {
  return {
    run: (id) => {
      if (!journal.has(id)) return Promise.reject(new NotRecordedError(id));
      return Promise.resolve(structuredClone(journal.get(id)) as never);
    },
  };
}

describe('the step seam in the code agent', () => {
  it('runs each model call and each tool call from the sandbox under a deterministic id', async () => {
    const { add } = createCounter();
    const agent = new TinyCodeAgent({ tools: [add], chatModel: createScriptedModel(SCRIPT) });
    const ids: string[] = [];

    const answer = await agent.run('Double 2 + 3.', { stepRunner: recordingRunner(new Map(), ids) });

    expect(answer).toBe('10');
    expect(ids).toEqual(['1/model', '1/code/seed', '1/tool/call-1', '1/tool/call-2', '2/model', '2/code/seed']);
  });

  it('replays a recorded run: the code runs again, but neither the model nor a tool is called', async () => {
    const first = createCounter();
    const journal = new Map<string, unknown>();
    const recorded = await new TinyCodeAgent({ tools: [first.add], chatModel: createScriptedModel(SCRIPT) }).run(
      'Double 2 + 3.',
      { returnResult: true, stepRunner: recordingRunner(journal, []) },
    );
    const second = createCounter();
    // A model with no replies: a call would fail the run.
    const model = createScriptedModel([]);

    const replayed = await new TinyCodeAgent({ tools: [second.add], chatModel: model }).run('Double 2 + 3.', {
      returnResult: true,
      stepRunner: replayingRunner(journal),
    });

    expect(replayed.output).toBe('10');
    expect(replayed.messages).toEqual(recorded.messages);
    expect(first.executions()).toBe(2);
    expect(second.executions()).toBe(0);
    expect(model.requests).toHaveLength(0);
  });
});

// Each execution prints the clock and randomness three ways; the second also reuses the first's values.
const CLOCK_SCRIPT = [
  js(
    'const t = Date.now(); const iso = new Date().toISOString(); const r = Math.random();\n' +
      'const sum = add({ a: 2, b: 3 });\n' +
      'console.log(t, iso, r, Date(), sum, Math.random());',
  ),
  js(
    'console.log(Date.now() - t, Math.random(), new Date(0).toISOString());\nfinal_answer({ t, r, later: Date.now(), r2: Math.random() })',
  ),
];

describe('the guest clock and randomness in a replay', () => {
  it('replays a recorded run in a fresh agent to the same outputs, answer and transcript, with nothing live', async () => {
    const first = createCounter();
    const journal = new Map<string, unknown>();
    const ids: string[] = [];
    const recorded = await new TinyCodeAgent({
      tools: [first.add],
      chatModel: createScriptedModel(CLOCK_SCRIPT),
    }).run('Read the clock.', { returnResult: true, stepRunner: recordingRunner(journal, ids) });
    const second = createCounter();
    const model = createScriptedModel([]);

    const replayed = await new TinyCodeAgent({ tools: [second.add], chatModel: model }).run('Read the clock.', {
      returnResult: true,
      stepRunner: replayingRunner(journal),
    });

    expect(recorded.state).toBe('completed');
    expect(replayed.output).toEqual(recorded.output);
    expect(replayed.messages).toEqual(recorded.messages);
    expect(second.executions()).toBe(0);
    expect(model.requests).toHaveLength(0);
    // Every read of the clock was a step of its own, numbered within its execution.
    expect(ids.filter((id) => id.includes('/code/'))).toEqual([
      ...['1/code/seed', '1/code/clock/1', '1/code/clock/2', '1/code/clock/3'],
      ...['2/code/seed', '2/code/clock/1', '2/code/clock/2'],
    ]);
  });

  it('answers every clock read and the seed from the journal, not from the real clock or fresh randomness', async () => {
    const journal = new Map<string, unknown>([
      ['1/model', { content: js('console.log(Date.now(), new Date().toISOString(), Date(), Math.random())') }],
      ['1/code/seed', [1, 2, 3, 4]],
      ['1/code/clock/1', 0],
      ['1/code/clock/2', 86_400_000],
      ['1/code/clock/3', 1.5],
      ['2/model', { content: js('final_answer(Math.random())') }],
      ['2/code/seed', [1, 2, 3, 4]],
    ]);
    const { add } = createCounter();

    const result = await new TinyCodeAgent({ tools: [add], chatModel: createScriptedModel([]) }).run('Replay.', {
      returnResult: true,
      stepRunner: replayingRunner(journal),
    });

    const observation = result.messages.at(-2)?.content ?? '';
    const [now, iso, ...rest] = observation.replace('Observation:\n', '').trim().split(' ');
    expect([now, iso]).toEqual(['0', '1970-01-02T00:00:00.000Z']);
    expect(rest.slice(0, 4)).toEqual(['Thu', 'Jan', '01', '1970']);
    // The same seed, the same first draw: the first execution printed what the second answered.
    expect(rest.at(-1)).toBe(result.output);
  });

  it('ends the run with the step runner’s error when a replayed clock read was never recorded', async () => {
    const journal = new Map<string, unknown>([
      ['1/model', { content: js('let n = 0; try { Date.now(); Date.now() } catch { n = 1 } final_answer(n)') }],
      ['1/code/seed', [1, 2, 3, 4]],
      ['1/code/clock/1', 0],
    ]);

    const running = new TinyCodeAgent({ tools: [createCounter().add], chatModel: createScriptedModel([]) }).run(
      'Diverge.',
      {
        stepRunner: replayingRunner(journal),
      },
    );

    // The code caught what it was thrown, yet the run ends with the error that names the step.
    await expect(running).rejects.toThrow(NotRecordedError);
    await expect(running).rejects.toMatchObject({ stepId: '1/code/clock/2' });
  });

  it('ends the run with the step runner’s error when a replayed tool call was never recorded', async () => {
    const journal = new Map<string, unknown>([
      ['1/model', { content: js('let n = 0; try { add({ a: 1, b: 2 }) } catch { n = 1 } final_answer(n)') }],
      ['1/code/seed', [1, 2, 3, 4]],
    ]);
    const { add, executions } = createCounter();

    const running = new TinyCodeAgent({ tools: [add], chatModel: createScriptedModel([]) }).run('Diverge.', {
      stepRunner: replayingRunner(journal),
    });

    await expect(running).rejects.toMatchObject({ stepId: '1/tool/call-1' });
    expect(executions()).toBe(0);
  });

  it('refuses a journal whose clock reading is not a number, naming the step', async () => {
    const journal = new Map<string, unknown>([
      ['1/model', { content: js('final_answer(Date.now())') }],
      ['1/code/seed', [1, 2, 3, 4]],
      ['1/code/clock/1', 'yesterday'],
    ]);

    const running = new TinyCodeAgent({ tools: [createCounter().add], chatModel: createScriptedModel([]) }).run(
      'Corrupt.',
      {
        stepRunner: replayingRunner(journal),
      },
    );

    await expect(running).rejects.toThrow(ConfigurationError);
    await expect(running).rejects.toThrow(/step 'code\/clock\/1' with "yesterday", which is not a clock reading/);
  });
});
