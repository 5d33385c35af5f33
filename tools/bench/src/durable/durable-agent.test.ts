import { describe, expect, it } from 'vitest';
import { createDurableBenchAgent, durableAnswerProblem, durableTask } from './durable-agent.ts';

describe('the durable measurement agent', () => {
  it('calls the step tool once per step and answers with the sum of their results', async () => {
    const started: string[] = [];
    const agent = createDurableBenchAgent({ onStep: (run, kind, n) => started.push(`${String(run)} ${kind} ${n}`) });
    const result = await agent.run(durableTask(7, 3), { returnResult: true });
    expect(durableAnswerProblem(7, 3, result.output)).toBeUndefined();
    expect(result.stepsTaken).toBe(4);
    expect(started).toEqual(['7 model 1', '7 tool 1', '7 model 2', '7 tool 2', '7 model 3', '7 tool 3', '7 model 4']);
  });

  it('tells a wrong answer from the right one', () => {
    expect(durableAnswerProblem(7, 3, 'finished run 7: 0')).toMatch(/expected/);
  });
});
