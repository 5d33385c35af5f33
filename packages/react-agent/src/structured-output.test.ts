import { ConfigurationError, registerSecret, z } from '@tinyagent/core';
import type { RunResult } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import { getWeather, recordEvents, reply, sentMessages, startServer } from './test-fixtures.ts';

const TASK = 'What is the weather in Paris?';
const Weather = z.object({ city: z.string(), celsius: z.number() });
type WeatherAnswer = z.output<typeof Weather>;
const CALL = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };

describe('ReactAgent with output, JSON protocol', () => {
  it('takes the answer value as an object and resolves with it, typed', async () => {
    const model = createScriptedModel([
      reply({ tool: 'get_weather', arguments: { city: 'Paris' } }),
      reply({ scratchpad: 'I have it.', answer: { city: 'Paris', celsius: 21 } }),
    ]);
    const agent = new ReactAgent({ tools: [getWeather], chatModel: model, output: Weather });

    const answer = await agent.run(TASK);

    expect(answer).toEqual({ city: 'Paris', celsius: 21 });
    expectTypeOf(answer).toEqualTypeOf<WeatherAnswer>();
  });

  it('takes an answer value that is a string of JSON', async () => {
    const model = createScriptedModel([reply({ answer: '{"city": "Paris", "celsius": 21}' })]);
    const agent = new ReactAgent({ tools: [getWeather], chatModel: model, output: Weather });

    expect(await agent.run(TASK)).toEqual({ city: 'Paris', celsius: 21 });
  });

  it('corrects an answer that does not match, naming the field, and goes on to the matching one', async () => {
    const model = createScriptedModel([
      reply({ answer: { city: 'Paris', celsius: 'mild' } }),
      reply({ answer: { city: 'Paris', celsius: 21 } }),
    ]);
    const agent = new ReactAgent({ tools: [getWeather], chatModel: model, output: Weather });
    const { events, onEvent } = recordEvents();

    const result = await agent.run(TASK, { returnResult: true, onEvent });

    expect(result.state).toBe('completed');
    expect(result.stepsTaken).toBe(2);
    expect(result.finalAnswer?.value).toEqual({ city: 'Paris', celsius: 21 });
    expect(model.requests[1]?.messages.at(-1)?.content).toContain(
      '- celsius: Invalid input: expected number, received string',
    );
    expect(events.filter((event) => event.type === 'correction')).toHaveLength(1);
  });

  it('shows the JSON Schema in the system prompt only with a schema', () => {
    const plain = new ReactAgent({ tools: [getWeather], chatModel: createScriptedModel([]) });
    const typed = new ReactAgent({ tools: [getWeather], chatModel: createScriptedModel([]), output: Weather });

    expect(typed.systemPrompt.startsWith(plain.systemPrompt)).toBe(true);
    expect(typed.systemPrompt.slice(plain.systemPrompt.length)).toMatch(/^\n\n## Final answer format\n/);
    expect(plain.systemPrompt).not.toContain('Final answer format');
  });

  it('validates the final attempt, and ends step_limit_reached naming the issues when it does not match', async () => {
    const model = createScriptedModel([
      reply({ tool: 'get_weather', arguments: { city: 'Paris' } }),
      reply({ answer: { city: 'Paris' } }),
    ]);
    const agent = new ReactAgent({ tools: [getWeather], chatModel: model, output: Weather });

    const result = await agent.run(TASK, { maxSteps: 1, returnResult: true });

    expect(result.state).toBe('step_limit_reached');
    expect(result.error?.message).toMatch(/final attempt does not match the output schema:\n- celsius: /);
  });
});

describe('ReactAgent with output, native protocol', () => {
  it('reads the answer text as JSON, fenced or not, after a correction', async () => {
    const model = createScriptedModel([
      CALL,
      'The weather: {"city": "Paris"}',
      '```json\n{"city": "Paris", "celsius": 21}\n```',
    ]);
    const agent = new ReactAgent({ tools: [getWeather], chatModel: model, toolCalling: 'native', output: Weather });

    const result = await agent.run(TASK, { returnResult: true });

    expect(result.finalAnswer?.value).toEqual({ city: 'Paris', celsius: 21 });
    expect(result.output).toBe('{"city":"Paris","celsius":21}');
    expect(result.stepsTaken).toBe(3);
    expect(result.steps[1]?.correction?.message).toContain('- (answer): the answer is not JSON');
    expectTypeOf(result).toEqualTypeOf<RunResult<WeatherAnswer>>();
  });

  it('validates the final attempt made with tool use off', async () => {
    const model = createScriptedModel([CALL, '{"city": "Paris", "celsius": 21}']);
    const agent = new ReactAgent({ tools: [getWeather], chatModel: model, toolCalling: 'native', output: Weather });

    const result = await agent.run(TASK, { maxSteps: 1, returnResult: true });

    expect(result).toMatchObject({ state: 'step_limit_reached', finalAnswer: { source: 'final_attempt' } });
    expect(result.finalAnswer?.value).toEqual({ city: 'Paris', celsius: 21 });
  });

  it('keeps a secret out of the parsed answer', async () => {
    registerSecret('sk-react-structured-2');
    const model = createScriptedModel([String.raw`{"city": "\u0073k-react-structured-2", "celsius": 21}`]);
    const agent = new ReactAgent({ tools: [getWeather], chatModel: model, toolCalling: 'native', output: Weather });

    const result = await agent.run(TASK, { returnResult: true });

    expect(result.finalAnswer?.value).toEqual({ city: '[redacted]', celsius: 21 });
    expect(JSON.stringify(result)).not.toContain('sk-react-structured-2');
  });
});

describe('ReactAgent output options', () => {
  const Summary = z.object({ summary: z.string() });

  it('lets a run override the agent schema, and types the run by it', async () => {
    const model = createScriptedModel([reply({ answer: { summary: 'Sunny.' } })]);
    const agent = new ReactAgent({ tools: [getWeather], chatModel: model, output: Weather });

    const answer = await agent.run(TASK, { output: Summary });

    expect(answer).toEqual({ summary: 'Sunny.' });
    expectTypeOf(answer).toEqualTypeOf<{ summary: string }>();
    expectTypeOf(await agent.run(TASK, { output: undefined }).catch(() => undefined)).toEqualTypeOf<
      WeatherAnswer | undefined
    >();
  });

  it('keeps run() typed as text without a schema', () => {
    const agent = new ReactAgent({ tools: [getWeather], chatModel: createScriptedModel([]) });

    const run = () => agent.run(TASK);

    expectTypeOf(run).returns.resolves.toEqualTypeOf<string>();
  });

  it('refuses an output that is not a zod 4 schema, saying what to pass', () => {
    const build = (): unknown =>
      new ReactAgent({ tools: [getWeather], chatModel: createScriptedModel([]), output: { city: 'string' } as never });

    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(/ReactAgent: output must be a zod 4 schema .*z\.object/);
  });

  it('still refuses an unknown option next to output', () => {
    const options = { tools: [getWeather], chatModel: createScriptedModel([]), output: Weather, outptu: Weather };

    expect(() => new ReactAgent(options as never)).toThrow(/unknown option 'outptu'. Did you mean 'output'\?/);
  });
});

describe('ReactAgent with output through the openai SDK', () => {
  it('sends the JSON Schema to the server and resolves with the parsed answer', async () => {
    const server = await startServer({
      script: [reply({ answer: { city: 'Paris', celsius: '21' } }), reply({ answer: { city: 'Paris', celsius: 21 } })],
    });
    const agent = new ReactAgent({ tools: [getWeather], baseURL: server.url, model: 'fake-model', output: Weather });

    const answer = await agent.run(TASK);

    expect(answer).toEqual({ city: 'Paris', celsius: 21 });
    const [system] = sentMessages(server, 0) as { content: string }[];
    expect(system?.content).toContain('## Final answer format');
    expect(system?.content).toContain('"celsius": {\n      "type": "number"\n    }');
    expect(JSON.stringify(sentMessages(server, 1).at(-1))).toContain('celsius: Invalid input: expected number');
  });
});
