import { isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler, BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ConfigurationError, OpenAIChatModel, directStepRunner, tool, z } from '@tinyagent/core';
import type { AgentEvent, CustomEvent, StepRunner } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import type { FakeResponse } from '@tinyagent/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { traceRun } from './trace-run.ts';
import { tracedFetch } from './traced-fetch.ts';
import { createAgent, exporter, finishedSpans, provider, spanTree, startServer } from './test-fixtures.ts';

// Nothing in this file registers an SDK unless a test says so (and takes it away after).
afterEach(() => {
  trace.disable();
});

const script = (): FakeResponse[] => [{ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }, 'Snowy.'];

// What a listener can compare between two runs: each event's type, step and order.
function eventShape(event: AgentEvent | CustomEvent): string {
  return `${event.step} ${event.seq} ${event.type}`;
}

// One run of the native agent on a fresh server with `options`; its answer, events and step ids.
async function runWith(
  extra: (listen: (event: AgentEvent | CustomEvent) => void, runner: StepRunner) => object,
): Promise<{ answer: string; events: string[]; steps: string[] }> {
  const server = await startServer({ script: script() });
  const events: string[] = [];
  const steps: string[] = [];
  const runner: StepRunner = {
    run: (id, work) => {
      steps.push(id);
      return work();
    },
  };
  const answer = await createAgent(server, { toolCalling: 'native' }).run('Oslo?', {
    ...extra((event) => events.push(eventShape(event)), runner),
  });
  return { answer, events, steps };
}

describe('traceRun with no SDK registered', () => {
  it('hands the run to core’s direct step seam once its root span turns out a no-op', async () => {
    const server = await startServer({ script: script() });
    const options = traceRun();
    expect(options.stepRunner).not.toHaveProperty('run', directStepRunner.run);

    const answer = await createAgent(server, { toolCalling: 'native' }).run('Oslo?', options);

    expect(answer).toBe('Snowy.');
    // Core runs a step runner whose run is the direct seam's on its fast path, as a run without one.
    expect(options.stepRunner).toHaveProperty('run', directStepRunner.run);
    expect(finishedSpans()).toEqual([]);
  });

  it('leaves the answer and the events as a run without it has them', async () => {
    const plain = await runWith((listen) => ({ onEvent: listen }));
    const traced = await runWith((listen) => traceRun({ onEvent: listen }));

    expect(traced.answer).toBe(plain.answer);
    expect(traced.events).toEqual(plain.events);
    expect(traced.events.at(0)).toMatch(/run-start$/);
    expect(traced.events.at(-1)).toMatch(/run-end$/);
  });

  it('still runs every step through the caller’s step runner and tells the caller’s listener', async () => {
    const plain = await runWith((listen, runner) => ({ onEvent: listen, stepRunner: runner }));
    const traced = await runWith((listen, runner) => traceRun({ onEvent: listen, stepRunner: runner }));

    expect(traced.steps).toEqual(plain.steps);
    expect(traced.steps).toEqual(['1/model', expect.stringMatching(/^1\/tool\//), '2/model']);
    expect(traced.events).toEqual(plain.events);
  });

  it('refuses a second run given the same options, as when tracing', async () => {
    const server = await startServer({ script: ['One.', 'Two.'] });
    const agent = createAgent(server, { toolCalling: 'native' });
    const options = traceRun();

    await agent.run('First?', options);
    const second = await agent.run('Second?', { ...options, returnResult: true });

    expect(second.state).toBe('error');
    expect(second.error).toBeInstanceOf(ConfigurationError);
    expect(second.error?.message).toMatch(/call traceRun\(\) for each run/);
  });

  it('traces a run whose SDK was registered after traceRun() but before the run started', async () => {
    const server = await startServer({ script: script() });
    const options = traceRun();
    trace.setGlobalTracerProvider(provider);

    await createAgent(server, { toolCalling: 'native' }).run('Oslo?', options);

    expect(spanTree()).toEqual([
      'invoke_agent ReactAgent',
      '  chat fake-model',
      '  execute_tool get_weather',
      '  chat fake-model',
    ]);
  });
});

describe('traceRun with an SDK that samples the run out', () => {
  it('records nothing and still propagates the run’s context (sampled=0) to tools and model requests', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const sampledOut = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const inTool: string[] = [];
    const lookup = tool({
      name: 'get_weather',
      description: 'Current weather for a city.',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => {
        const active = trace.getActiveSpan()?.spanContext();
        inTool.push(active !== undefined && isSpanContextValid(active) ? active.traceId : 'none');
        return { city, sky: 'snowy' };
      },
    });
    const server = await startServer({ script: script() });
    const client = new OpenAI({ apiKey: 'test-key', baseURL: server.url, fetch: tracedFetch() });
    const agent = new ReactAgent({
      tools: [lookup],
      toolCalling: 'native',
      chatModel: new OpenAIChatModel({ model: 'fake-model', client }),
    });

    const answer = await agent.run('Oslo?', traceRun({ tracerProvider: sampledOut }));

    expect(answer).toBe('Snowy.');
    expect(finishedSpans()).toEqual([]);
    const sent = server.requests.map((request) => String(request.headers.traceparent));
    expect(sent).toHaveLength(2);
    const [traceId] = sent.map((header) => header.split('-')[1]);
    for (const header of sent) expect(header).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    // Each model call is its own (unrecorded) chat span.
    expect(new Set(sent).size).toBe(2);
    expect(inTool).toEqual([traceId]);
  });
});
