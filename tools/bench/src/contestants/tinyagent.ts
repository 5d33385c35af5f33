import { tool } from '@tinyagent/core';
import { traceRun } from '@tinyagent/otel';
import { ReactAgent } from '@tinyagent/react-agent';
import { BENCH_TOOLS, MAX_TURNS } from './contestant.ts';
import type { ContestantSetup, CreateRun, CreateStream } from './contestant.ts';

const tools = BENCH_TOOLS.map((entry) =>
  tool({ name: entry.name, description: entry.description, parameters: entry.parameters, execute: entry.execute }),
);

/** The ReactAgent every TinyAgent measurement uses: the scenario tools, the fake model at `setup`. */
export function createBenchReactAgent(toolCalling: 'native' | 'json', { baseURL, model }: ContestantSetup): ReactAgent {
  return new ReactAgent({ tools, toolCalling, baseURL, model, apiKey: 'bench' });
}

// One agent for every run, as applications use it: the agent holds no per-run state. The native
// contestant and the tracing-off one share it, so that the pair differs by traceRun() alone: two
// agent objects of the same kind measured 1.11× apart in CPU per turn with neither tracing.
const agents = new Map<string, ReactAgent>();
function sharedAgent(toolCalling: 'native' | 'json', setup: ContestantSetup): ReactAgent {
  const key = `${toolCalling} ${setup.baseURL} ${setup.model}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    agent = createBenchReactAgent(toolCalling, setup);
    agents.set(key, agent);
  }
  return agent;
}

const createReactAgent =
  (toolCalling: 'native' | 'json'): CreateRun =>
  (setup) => {
    const agent = sharedAgent(toolCalling, setup);
    return (task) => agent.run(task, { maxSteps: MAX_TURNS });
  };

/** TinyAgent's ReactAgent with the API's function tools. */
export const createTinyAgentNative: CreateRun = createReactAgent('native');

/** TinyAgent's ReactAgent with tool calls as JSON objects in the reply text. */
export const createTinyAgentJson: CreateRun = createReactAgent('json');

/**
 * The native ReactAgent traced by @tinyagent/otel (`traceRun()` on every run) in a process with no
 * OpenTelemetry SDK registered: what the package costs an application that installed it and traces nothing.
 */
export const createTinyAgentTracingOff: CreateRun = (setup) => {
  const agent = sharedAgent('native', setup);
  return (task) => agent.run(task, { maxSteps: MAX_TURNS, ...traceRun() });
};

/**
 * TinyAgent streaming: `agent.stream(task, { deltas: true })` on the native ReactAgent, reading every
 * event and counting the `text-delta`s; the answer is the `run-end` result's output. With a stall,
 * an `onEvent` listener also counts the events emitted, so that the unread ones can be told.
 */
export const createTinyAgentStream: CreateStream = (setup) => {
  const agent = createBenchReactAgent('native', setup);
  return async (task, stall) => {
    let emitted = 0;
    let read = 0;
    if (stall !== undefined) stall.unreadEvents = () => emitted - read;
    const onEvent = stall === undefined ? undefined : () => void (emitted += 1);
    let text = '';
    let deltas = 0;
    let firstDeltaAt = Number.NaN;
    let answer = '';
    for await (const event of agent.stream(task, { deltas: true, maxSteps: MAX_TURNS, onEvent })) {
      read += 1;
      if (event.type === 'text-delta') {
        if (deltas === 0) firstDeltaAt = performance.now();
        text += event.text;
        deltas += 1;
        if (deltas === stall?.afterDeltas) await stall.hold();
      } else if (event.type === 'run-end') {
        const { state, output, error } = event.result;
        answer = state === 'completed' ? output : `run ${state}: ${error?.message ?? ''}`;
      }
    }
    return { text, deltas, firstDeltaAt, answer };
  };
};
