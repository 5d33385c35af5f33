import { StepLimitReached, registerSecret, tool, z } from '@tinyagent/core';
import type { AgentEvent, RunResult } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { TinyCodeAgent } from './code-agent.ts';
import type { CodeEvent } from './code-events.ts';

const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, celsius: city === 'Paris' ? 21 : 15 }),
});

const Report = z.object({ city: z.string(), celsius: z.number(), advice: z.enum(['coat', 'shirt']) });
const TASK = 'Weather in Paris, and what to wear?';
const js = (code: string): string => `\`\`\`js\n${code}\n\`\`\``;

function createAgent(replies: string[]): TinyCodeAgent<typeof Report> {
  return new TinyCodeAgent({ tools: [getWeather], chatModel: createScriptedModel(replies), output: Report });
}

describe('TinyCodeAgent with output', () => {
  it('resolves with the object passed to final_answer, typed by the schema', async () => {
    const agent = createAgent([
      js('const w = get_weather({ city: "Paris" });\nfinal_answer({ ...w, advice: "shirt" });'),
    ]);

    const report = await agent.run(TASK);

    expect(report).toEqual({ city: 'Paris', celsius: 21, advice: 'shirt' });
    expectTypeOf(report).toEqualTypeOf<z.output<typeof Report>>();
  });

  it('sends an object that does not match back, and the code fixes it with the variables it kept', async () => {
    const agent = createAgent([
      js('const w = get_weather({ city: "Paris" });\nfinal_answer({ ...w, advice: "umbrella" });'),
      js('final_answer({ ...w, advice: "shirt" });'),
    ]);
    const events: (AgentEvent | CodeEvent)[] = [];

    const result = await agent.run(TASK, { returnResult: true, onEvent: (event) => events.push(event) });

    expect(result.state).toBe('completed');
    expect(result.stepsTaken).toBe(2);
    expect(result.finalAnswer?.value).toEqual({ city: 'Paris', celsius: 21, advice: 'shirt' });
    const correction = events.find((event) => event.type === 'correction');
    expect(correction).toMatchObject({ reason: 'the final answer does not match the output schema' });
    expect(JSON.stringify(correction)).toContain('- advice: Invalid option: expected one of');
    expectTypeOf(result).toEqualTypeOf<RunResult<z.output<typeof Report>>>();
  });

  it('takes a string of JSON passed to final_answer', async () => {
    const agent = createAgent([js('final_answer(\'{"city": "Oslo", "celsius": -3, "advice": "coat"}\');')]);

    expect(await agent.run(TASK)).toEqual({ city: 'Oslo', celsius: -3, advice: 'coat' });
  });

  it('ends at the step limit when the last answer still does not match, the issues in its correction', async () => {
    const agent = createAgent([js('final_answer({ city: "Paris" });')]);

    const result = await agent.run(TASK, { maxSteps: 1, returnResult: true });

    expect(result.state).toBe('step_limit_reached');
    expect(StepLimitReached.isInstance(result.error)).toBe(true);
    expect(result.steps[0]?.correction?.message).toContain('- celsius: Invalid input: expected number');
  });

  it('lets a run ask for another shape', async () => {
    const agent = createAgent([js('final_answer([1, 2, 3]);')]);

    const numbers = await agent.run(TASK, { output: z.array(z.number()) });

    expect(numbers).toEqual([1, 2, 3]);
    expectTypeOf(numbers).toEqualTypeOf<number[]>();
  });

  it('keeps a secret the code builds out of the answer', async () => {
    registerSecret('sk-code-structured-3');
    const agent = createAgent([
      js('final_answer({ city: ["sk", "code", "structured", "3"].join("-"), celsius: 1, advice: "coat" });'),
    ]);

    const result = await agent.run(TASK, { returnResult: true });

    expect(result.finalAnswer?.value).toMatchObject({ city: '[redacted]' });
    expect(JSON.stringify(result)).not.toContain('sk-code-structured-3');
  });
});
