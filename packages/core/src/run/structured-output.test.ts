import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as zod3 } from 'zod3';
import { ConfigurationError, StepLimitReached } from '../errors.ts';
import type { RunResult } from './run-result.ts';
import { registerSecret } from '../secrets.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { collectEvents, createTestAgent, createToolProtocol, eventsOfType, multiply } from './test-fixtures.ts';

const TASK = 'Describe the film.';
const Film = z.object({ title: z.string(), year: z.number().int(), tags: z.array(z.string()).optional() });
const VALID = '{"title": "Alien", "year": 1979}';

describe('an output schema', () => {
  it('resolves run() with the parsed answer, typed by the schema', async () => {
    const agent = createTestAgent(createScriptedModel([VALID]), { output: Film });

    const film = await agent.run(TASK);

    expect(film).toEqual({ title: 'Alien', year: 1979 });
    expectTypeOf(film).toEqualTypeOf<z.output<typeof Film>>();
  });

  it('keeps the text in output and the typed value in finalAnswer', async () => {
    const agent = createTestAgent(createScriptedModel([VALID]), { output: Film });

    const result = await agent.run(TASK, { returnResult: true });

    expect(result.state).toBe('completed');
    expect(result.output).toBe('{"title":"Alien","year":1979}');
    expect(result.finalAnswer?.value).toEqual({ title: 'Alien', year: 1979 });
    expectTypeOf(result).toEqualTypeOf<RunResult<z.output<typeof Film>>>();
  });

  it('sends an answer that does not match back with the field paths, and takes the corrected one', async () => {
    const model = createScriptedModel(['{"title": "Alien", "year": "1979", "tags": [3]}', VALID]);
    const { events, onEvent } = collectEvents();

    const result = await createTestAgent(model, { output: Film }).run(TASK, { returnResult: true, onEvent });

    expect(result.finalAnswer?.value).toEqual({ title: 'Alien', year: 1979 });
    expect(result.stepsTaken).toBe(2);
    const [correction] = eventsOfType(events, 'correction');
    expect(correction?.reason).toBe('the final answer does not match the output schema');
    expect(correction?.message).toContain('- year: Invalid input: expected number, received string');
    expect(correction?.message).toContain('- tags[0]: Invalid input: expected string, received number');
    // The model reads the correction right after its rejected answer.
    expect(model.requests[1]?.messages.slice(-2)).toEqual([
      { role: 'assistant', content: '{"title": "Alien", "year": "1979", "tags": [3]}' },
      { role: 'user', content: correction?.message },
    ]);
    expect(eventsOfType(events, 'final-answer')).toHaveLength(1);
  });

  it('says when the answer is not JSON at all', async () => {
    const model = createScriptedModel(['It is Alien, from 1979.', VALID]);
    const { events, onEvent } = collectEvents();

    await createTestAgent(model, { output: Film }).run(TASK, { onEvent });

    expect(eventsOfType(events, 'correction')[0]?.message).toMatch(/- \(answer\): the answer is not JSON \(/);
  });

  it('reads the JSON in a ```json fence, prose around it', async () => {
    const model = createScriptedModel(['Here it is:\n```json\n{"title": "Alien", "year": 1979}\n```\nEnjoy.']);

    expect(await createTestAgent(model, { output: Film }).run(TASK)).toEqual({ title: 'Alien', year: 1979 });
  });

  it('takes plain text for a schema of strings, and JSON for anything else', async () => {
    const email = z.email();
    const text = createTestAgent(createScriptedModel(['ada@example.com']), { output: email });
    const count = createTestAgent(createScriptedModel(['42']), { output: z.number() });

    expect(await text.run(TASK)).toBe('ada@example.com');
    expect(await count.run(TASK)).toBe(42);
  });

  it('gives the transformed value of a schema with transforms', async () => {
    const year = z.object({ year: z.string().transform((value) => Number.parseInt(value, 10)) });
    const agent = createTestAgent(createScriptedModel(['{"year": "1979"}']), { output: year });

    const answer = await agent.run(TASK);

    expect(answer).toEqual({ year: 1979 });
    expectTypeOf(answer).toEqualTypeOf<{ year: number }>();
  });

  it('redacts a secret the answer spells with JSON escapes', async () => {
    registerSecret('sk-structured-secret-1');
    const escaped = String.raw`{"title": "\u0073k-structured-secret-1", "year": 1979}`;
    const agent = createTestAgent(createScriptedModel([escaped]), { output: Film });

    const result = await agent.run(TASK, { returnResult: true });

    expect(result.finalAnswer?.value).toEqual({ title: '[redacted]', year: 1979 });
    expect(JSON.stringify(result)).not.toContain('sk-structured-secret-1');
  });
});

describe('the system prompt', () => {
  it('shows the JSON Schema of what the model writes, after the protocol prompt', async () => {
    const model = createScriptedModel([VALID]);
    const agent = createTestAgent(model, { output: Film });

    await agent.run(TASK);

    const prompt = model.requests[0]?.messages[0]?.content ?? '';
    expect(prompt.startsWith('You are a test agent.\n\n## Final answer format\n')).toBe(true);
    expect(prompt).toContain('"required": [\n    "title",\n    "year"\n  ]');
    expect(prompt).not.toContain('$schema');
    expect(agent.systemPrompt).toBe(prompt);
  });

  it('is the protocol prompt, unchanged, without a schema', async () => {
    const model = createScriptedModel(['42']);
    const agent = createTestAgent(model);

    await agent.run(TASK);

    expect(model.requests[0]?.messages[0]).toEqual({ role: 'system', content: 'You are a test agent.' });
    expect(agent.systemPrompt).toBe('You are a test agent.');
  });
});

describe('a per-run output', () => {
  const Rating = z.object({ stars: z.number().min(1).max(5) });

  it('overrides the agent schema, in the prompt, the check and the type', async () => {
    const model = createScriptedModel(['{"stars": 4}']);
    const agent = createTestAgent(model, { output: Film });

    const rating = await agent.run(TASK, { output: Rating });

    expect(rating).toEqual({ stars: 4 });
    expectTypeOf(rating).toEqualTypeOf<{ stars: number }>();
    expect(model.requests[0]?.messages[0]?.content).toContain('"stars"');
    expect(model.requests[0]?.messages[0]?.content).not.toContain('"title"');
  });

  it('gives an agent without a schema a typed run, and leaves its other runs as text', async () => {
    const agent = createTestAgent(createScriptedModel(['{"stars": 5}', '42']));

    const result = await agent.run(TASK, { output: Rating, returnResult: true });
    const text = await agent.run(TASK);

    expect(result.finalAnswer?.value).toEqual({ stars: 5 });
    expectTypeOf(result.finalAnswer?.value).toEqualTypeOf<{ stars: number } | undefined>();
    expect(text).toBe('42');
    expectTypeOf(text).toEqualTypeOf<string>();
  });
});

describe('stream with an output', () => {
  it('ends with a run-end whose result holds the parsed answer', async () => {
    const agent = createTestAgent(createScriptedModel(['{"stars": 2}']));
    let value: unknown;

    for await (const event of agent.stream(TASK, { output: z.object({ stars: z.number() }) })) {
      if (event.type === 'run-end') value = event.result.finalAnswer?.value;
    }

    expect(value).toEqual({ stars: 2 });
  });
});

describe('the final attempt', () => {
  const protocol = createToolProtocol([multiply], { finalAttempt: true });

  it('ends the run step_limit_reached, naming the issues, when its answer does not match either', async () => {
    const model = createScriptedModel(['{"title": 7}', '{"title": "Alien"}']);

    const result = await createTestAgent(model, { protocol, output: Film }).run(TASK, {
      maxSteps: 1,
      returnResult: true,
    });

    expect(result.state).toBe('step_limit_reached');
    expect(result.finalAnswer).toBeUndefined();
    expect(StepLimitReached.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toContain('does not match the output schema:\n- year: Invalid input');
    expect((result.error as StepLimitReached).context.outputIssues).toEqual([
      'year: Invalid input: expected number, received undefined',
    ]);
  });

  it('accepts a matching answer as the answer of the final attempt', async () => {
    const model = createScriptedModel(['{"title": 7}', VALID]);

    const result = await createTestAgent(model, { protocol, output: Film }).run(TASK, {
      maxSteps: 1,
      returnResult: true,
    });

    expect(result).toMatchObject({ state: 'step_limit_reached', finalAnswer: { source: 'final_attempt' } });
    expect(result.finalAnswer?.value).toEqual({ title: 'Alien', year: 1979 });
  });
});

describe('a bad output option', () => {
  const model = createScriptedModel([]);

  it('refuses what is not a schema, saying what to pass', () => {
    expect(() => createTestAgent(model, { output: { title: 'string' } as never })).toThrow(ConfigurationError);
    expect(() => createTestAgent(model, { output: 'json' as never })).toThrow(
      /TestAgent: output must be a zod 4 schema .*e\.g\. output: z\.object\(.*got string/,
    );
  });

  it('refuses a zod 3 schema, saying where zod 4 comes from', () => {
    expect(() => createTestAgent(model, { output: zod3.object({ a: zod3.string() }) as never })).toThrow(
      /output is a zod 3 schema, but TinyAgent needs zod 4/,
    );
  });

  it('refuses a schema JSON Schema cannot describe', () => {
    expect(() => createTestAgent(model, { output: z.object({ at: z.date() }) })).toThrow(
      /cannot be described to the model as JSON Schema/,
    );
  });

  it('rejects a run given a bad per-run output before it starts, even with returnResult', async () => {
    const run = createTestAgent(model).run(TASK, { output: 42 as never, returnResult: true });

    await expect(run).rejects.toThrow(/TestAgent's run: output must be a zod 4 schema/);
    expect(model.requests).toHaveLength(0);
  });

  it('ends the run with a ConfigurationError for an async refinement', async () => {
    const slow = z.object({ title: z.string() }).refine(async () => Promise.resolve(true));
    const run = createTestAgent(createScriptedModel(['{"title": "Alien"}']), { output: slow }).run(TASK);

    await expect(run).rejects.toThrow(/async refinement or transform/);
  });
});
