// Shared by this package's tests (never built into dist): tools, a fake server per test, and
// helpers to read what the agent sent. Everything talks to the real openai SDK over loopback HTTP.
import { OpenAIChatModel, tool, z } from '@tinyagent/core';
import { sleep } from '@tinyagent/core/internal';
import type { AgentEvent, Tool } from '@tinyagent/core';
import { startFakeOpenAI } from '@tinyagent/testing';
import type { FakeOpenAIOptions, FakeOpenAIServer } from '@tinyagent/testing';
import { afterEach } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import type { ReactAgentOptions } from './react-agent.ts';

const servers: FakeOpenAIServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Starts a fake OpenAI server that is closed after the test. */
export async function startServer(options: FakeOpenAIOptions): Promise<FakeOpenAIServer> {
  const server = await startFakeOpenAI(options);
  servers.push(server);
  return server;
}

/** An agent on `server` through the real SDK, with the test tools unless others are given. */
export function createAgent(server: FakeOpenAIServer, options: Partial<ReactAgentOptions> = {}): ReactAgent {
  return new ReactAgent({ tools: [getWeather, add], baseURL: server.url, model: 'fake-model', ...options });
}

/** A model on `server` that retries at once instead of after half a second. */
export function fastRetryingModel(server: FakeOpenAIServer, maxRetries?: number): OpenAIChatModel {
  return new OpenAIChatModel({ model: 'fake-model', baseURL: server.url, retryDelayMs: 1, maxRetries });
}

/** A JSON-protocol reply, written as the model would. */
export function reply(value: Record<string, unknown>): string {
  return JSON.stringify(value);
}

/** The `messages` of the n-th request the server received. */
export function sentMessages(server: FakeOpenAIServer, index: number): unknown[] {
  const request = server.requests[index];
  if (request === undefined) throw new Error(`The server received no request #${index + 1}.`);
  return request.body.messages;
}

/** Collects a run's events for `onEvent`. */
export function recordEvents(): { events: AgentEvent[]; onEvent: (event: AgentEvent) => void } {
  const events: AgentEvent[] = [];
  return { events, onEvent: (event) => events.push(event) };
}

/** Current weather for a city (a fixed table). */
export const getWeather: Tool = tool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string().describe('City name') }),
  execute: ({ city }) => ({ city, sky: city === 'Oslo' ? 'snow' : 'sunny', celsius: city === 'Oslo' ? -3 : 21 }),
});

/** Adds two numbers. */
export const add: Tool = tool({
  name: 'add',
  description: 'Adds two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

/** A tool that waits `ms` (default 200) honouring its signal, and records when it ran. */
export function createSlowTool(name: string, log: { name: string; start: number; end: number }[], ms = 200): Tool {
  return tool({
    name,
    description: `Waits ${ms} ms, then says "${name} done".`,
    execute: async (_args, { signal }) => {
      const start = performance.now();
      await sleep(ms, signal);
      log.push({ name, start, end: performance.now() });
      return `${name} done`;
    },
  });
}

/**
 * Two tools for one turn of parallel calls that end in the reverse order: `first` waits until
 * `second` has run, so `second` finishes first.
 */
export function createOutOfOrderTools(): [first: Tool, second: Tool] {
  const second = Promise.withResolvers<undefined>();
  return [
    tool({
      name: 'first',
      description: 'Finishes only after the second.',
      execute: async () => {
        await second.promise;
        return 'first result';
      },
    }),
    tool({
      name: 'second',
      description: 'Finishes at once.',
      execute: () => {
        second.resolve(undefined);
        return 'second result';
      },
    }),
  ];
}
