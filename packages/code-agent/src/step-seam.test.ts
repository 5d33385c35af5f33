import { tool, z } from '@tinyagent/core';
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

function replayingRunner(journal: Map<string, unknown>): StepRunner {
  return {
    run: (id) => {
      if (!journal.has(id)) throw new Error(`nothing recorded for ${id}`);
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
    expect(ids).toEqual(['1/model', '1/tool/call-1', '1/tool/call-2', '2/model']);
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
