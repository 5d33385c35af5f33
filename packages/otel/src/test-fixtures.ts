// Shared by this package's tests (never built into dist): the real OpenTelemetry SDK with an
// in-memory exporter, a fake OpenAI server per test, and ways to read the spans a run made.
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { tool, z } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import type { ReactAgentOptions } from '@tinyagent/react-agent';
import { startFakeOpenAI } from '@tinyagent/testing';
import type { FakeOpenAIOptions, FakeOpenAIServer } from '@tinyagent/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { formatSpanTree } from './span-tree.ts';

const servers: FakeOpenAIServer[] = [];
const contextManager = new AsyncLocalStorageContextManager();

/** The in-memory exporter every test's provider writes to; emptied after each test. */
export const exporter = new InMemorySpanExporter();

/** A tracer provider of the real SDK, exporting each span as it ends. */
export const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  // Context flows through async calls only with a context manager, as an application's SDK setup registers.
  context.setGlobalContextManager(contextManager.enable());
});

afterEach(async () => {
  exporter.reset();
  propagation.disable();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

afterAll(() => {
  context.disable();
});

/** Starts a fake OpenAI server that is closed after the test. */
export async function startServer(options: FakeOpenAIOptions): Promise<FakeOpenAIServer> {
  const server = await startFakeOpenAI(options);
  servers.push(server);
  return server;
}

/** A ReactAgent on `server` through the real SDK. */
export function createAgent(server: FakeOpenAIServer, options: Partial<ReactAgentOptions> = {}): ReactAgent {
  return new ReactAgent({ tools: [getWeather], baseURL: server.url, model: 'fake-model', ...options });
}

/** Current weather for a city (a fixed table). */
export const getWeather: Tool = tool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, sky: 'sunny' }),
});

/** The finished spans, in the order they ended. */
export function finishedSpans(): ReadableSpan[] {
  return exporter.getFinishedSpans();
}

/** The one finished span called `name`; throws when there is none or more than one. */
export function spanNamed(name: string): ReadableSpan {
  const found = finishedSpans().filter((span) => span.name === name);
  const [only] = found;
  if (found.length !== 1 || only === undefined) throw new Error(`Expected one span '${name}', found ${found.length}.`);
  return only;
}

/** The span tree as indented names, children in the order they started: the shape a backend shows. */
export function spanTree(spans: readonly ReadableSpan[] = finishedSpans()): string[] {
  return formatSpanTree(spans);
}

/** Whether `child` is a direct child of `parent`. */
export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    child.parentSpanContext?.spanId === parent.spanContext().spanId &&
    child.spanContext().traceId === parent.spanContext().traceId
  );
}
