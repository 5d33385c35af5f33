import { ConfigurationError, tool, z } from '@tinyagent/core';
import type { AgentEvent, RunEndEvent } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import {
  createAgent,
  createOutOfOrderTools,
  createSlowTool,
  getWeather,
  recordEvents,
  reply,
  startServer,
} from './test-fixtures.ts';

const weatherCall = reply({ tool: 'get_weather', arguments: { city: 'Paris' } });
const answer = reply({ answer: 'Sunny.' });

afterEach(() => {
  vi.restoreAllMocks();
});

function types(events: readonly AgentEvent[]): string[] {
  return events.map((event) => (event.type === 'step-start' && event.finalAttempt ? 'final-attempt' : event.type));
}

async function collect(stream: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('ReactAgent events', () => {
  it('reports a JSON-protocol run in order: steps, model calls, tools, corrections, answer, end', async () => {
    const server = await startServer({ script: [weatherCall, 'oops', answer] });
    const { events, onEvent } = recordEvents();

    await createAgent(server).run('Weather in Paris?', { onEvent });

    expect(types(events)).toEqual([
      'run-start',
      ...['step-start', 'model-request', 'model-response', 'tool-start', 'tool-end'],
      ...['step-start', 'model-request', 'model-response', 'correction'],
      ...['step-start', 'model-request', 'model-response', 'final-answer'],
      'run-end',
    ]);
    expect(events[0]).toMatchObject({
      type: 'run-start',
      agent: 'ReactAgent',
      task: 'Weather in Paris?',
      tools: ['get_weather', 'add'],
      model: 'fake-model',
      maxSteps: 10,
    });
    // The model that answered, as the server named it (the fake server echoes the request's).
    expect(events.find((event) => event.type === 'model-response')).toMatchObject({ responseModel: 'fake-model' });
    // Every event names its step: 0 before the first, and run-end the last one.
    expect(events.map((event) => event.step)).toEqual([0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
    expect(events.find((event) => event.type === 'tool-start')).toMatchObject({
      step: 1,
      toolCallId: 'step-1',
      toolName: 'get_weather',
      arguments: { city: 'Paris' },
    });
    expect(events.find((event) => event.type === 'tool-end')).toMatchObject({
      step: 1,
      toolName: 'get_weather',
      output: '{"city":"Paris","sky":"sunny","celsius":21}',
      isError: false,
      originalLength: undefined,
    });
    expect(events.find((event) => event.type === 'final-answer')).toMatchObject({
      step: 3,
      answer: { value: 'Sunny.', source: 'normal' },
    });
    expect(new Set(events.map((event) => event.runId)).size).toBe(1);
  });

  it('reports native parallel calls as all tool-starts before their tool-ends, and the final attempt', async () => {
    const log: { name: string; start: number; end: number }[] = [];
    const tools = [createSlowTool('slow_a', log, 5), createSlowTool('slow_b', log, 5)];
    const server = await startServer({
      script: [{ toolCalls: [{ name: 'slow_a' }, { name: 'slow_b' }] }, 'Both done.'],
    });
    const { events, onEvent } = recordEvents();

    await createAgent(server, { tools, toolCalling: 'native' }).run('Go.', { maxSteps: 1, onEvent });

    expect(types(events)).toEqual([
      'run-start',
      ...['step-start', 'model-request', 'model-response', 'tool-start', 'tool-start', 'tool-end', 'tool-end'],
      ...['final-attempt', 'model-request', 'model-response', 'final-answer'],
      'run-end',
    ]);
    expect(events.find((event) => event.type === 'step-start' && event.finalAttempt)).toMatchObject({
      step: 2,
      maxSteps: 1,
    });
    expect(events.find((event) => event.type === 'model-request' && event.step === 2)).toMatchObject({
      temperature: 0,
      toolsOffered: false,
    });
  });

  it('numbers the events of a run with parallel tool calls 1, 2, 3, … without gaps', async () => {
    const [first, finishesFirst] = createOutOfOrderTools();
    const model = createScriptedModel([
      {
        toolCalls: [
          { id: 'a', name: 'first' },
          { id: 'b', name: 'second' },
        ],
      },
      'Both done.',
    ]);
    const { events, onEvent } = recordEvents();

    const result = await new ReactAgent({ tools: [first, finishesFirst], chatModel: model, toolCalling: 'native' }).run(
      'Run both.',
      { returnResult: true, onEvent },
    );

    // The calls interleave: their events come in the order they happen, numbered as they come.
    const named = events.map((event) =>
      event.type === 'tool-start' || event.type === 'tool-end' ? `${event.type} ${event.toolCallId}` : event.type,
    );
    expect(named).toEqual([
      'run-start',
      ...['step-start', 'model-request', 'model-response'],
      ...['tool-start a', 'tool-start b', 'tool-end b', 'tool-end a'],
      ...['step-start', 'model-request', 'model-response', 'final-answer'],
      'run-end',
    ]);
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: events.length }, (_, index) => index + 1));
    expect(events.map((event) => event.step)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(events.every((event) => event.runId === result.metadata.runId)).toBe(true);
  });

  it('streams the same events, ending with run-end carrying the RunResult', async () => {
    const server = await startServer({ script: [weatherCall, answer, weatherCall, answer] });
    const agent = createAgent(server);
    const { events, onEvent } = recordEvents();

    await agent.run('Weather?', { onEvent });
    const streamed = await collect(agent.stream('Weather?'));

    expect(types(streamed)).toEqual(types(events));
    const end = streamed.at(-1) as RunEndEvent;
    expect(end.result).toMatchObject({ output: 'Sunny.', state: 'completed', stepsTaken: 2 });
  });

  it('ends a failed stream with run-end instead of throwing', async () => {
    const server = await startServer({ script: [{ status: 400, message: 'Bad request.' }] });

    const events = await collect(createAgent(server).stream('Weather?'));

    expect(events.at(-1)).toMatchObject({ type: 'run-end', result: { state: 'error' } });
  });

  it('throws from the stream only for invalid options', async () => {
    const server = await startServer({ script: [] });

    await expect(collect(createAgent(server).stream('Weather?', { maxSteps: 0 }))).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });

  it('aborts the run, and waits for its tools, when the consumer stops early', async () => {
    const state = { aborted: false };
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const wait = tool({
      name: 'wait',
      description: 'Waits until cancelled.',
      execute: (_args, { signal }) =>
        new Promise((resolve) => {
          started();
          signal.addEventListener('abort', () => {
            state.aborted = true;
            resolve('stopped');
          });
        }),
    });
    const server = await startServer({ script: [reply({ tool: 'wait' })] });
    const seen: string[] = [];

    for await (const event of createAgent(server, { tools: [wait] }).stream('Wait.')) {
      seen.push(event.type);
      if (event.type === 'tool-start') {
        // Stop once the tool runs: the break must reach it.
        await running;
        break;
      }
    }

    expect(state.aborted).toBe(true);
    expect(seen.at(-1)).toBe('tool-start');
    expect(server.requests).toHaveLength(1);
  });

  it('never starts a tool whose call the consumer stopped at, and still ends the run', async () => {
    const state = { started: false };
    const wait = tool({
      name: 'wait',
      description: 'Waits until cancelled.',
      parameters: z.object({}).refine(async () => {
        // Validation that waits: the break lands in it, before the tool has a signal to hear it on.
        await new Promise((resolve) => setTimeout(resolve, 20));
        return true;
      }),
      execute: () => {
        state.started = true;
        return new Promise(() => undefined);
      },
    });
    const server = await startServer({ script: [reply({ tool: 'wait', arguments: {} })] });

    for await (const event of createAgent(server, { tools: [wait] }).stream('Wait.')) {
      if (event.type === 'tool-start') break;
    }

    expect(state.started).toBe(false);
  });

  it('prints a readable trace to stderr when verbose', async () => {
    const long = tool({ name: 'long', description: 'A long text.', execute: () => 'z'.repeat(50) });
    const server = await startServer({
      script: [weatherCall, reply({ tool: 'long' }), reply({ answer: 'Sunny, they said.' })],
    });
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      written.push(String(text));
      return true;
    });

    await createAgent(server, { tools: [getWeather, long], maxObservationLength: 45 }).run('Weather in Paris?', {
      maxSteps: 2,
      verbose: true,
    });

    const trace = written.join('');
    expect(trace).toContain('[tinyagent] task: Weather in Paris?');
    expect(trace).toContain('tools: get_weather, long');
    expect(trace).toContain('--- step 1/2');
    expect(trace).toContain('  -> get_weather({"city":"Paris"})');
    expect(trace).toContain('  <- get_weather: {"city":"Paris","sky":"sunny","celsius":21}');
    expect(trace).toContain('  -> long({})');
    expect(trace).toContain("(result cut from 50 characters to the agent's limit)");
    expect(trace).toContain('--- final attempt (step limit of 2 reached)');
    expect(trace).toContain('[tinyagent] final answer (final attempt): Sunny, they said.');
    expect(trace).toMatch(/run step_limit_reached after 2 step\(s\)/);
  });
});
