import { tool } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import { BENCH_TOOLS, MAX_TURNS } from './contestant.ts';
import type { ContestantSetup, CreateRun } from './contestant.ts';

const tools = BENCH_TOOLS.map((entry) =>
  tool({ name: entry.name, description: entry.description, parameters: entry.parameters, execute: entry.execute }),
);

/** The ReactAgent every TinyAgent measurement uses: the scenario tools, the fake model at `setup`. */
export function createBenchReactAgent(toolCalling: 'native' | 'json', { baseURL, model }: ContestantSetup): ReactAgent {
  return new ReactAgent({ tools, toolCalling, baseURL, model, apiKey: 'bench' });
}

// One agent for every run, as applications use it: the agent holds no per-run state.
const createReactAgent =
  (toolCalling: 'native' | 'json'): CreateRun =>
  (setup) => {
    const agent = createBenchReactAgent(toolCalling, setup);
    return (task) => agent.run(task, { maxSteps: MAX_TURNS });
  };

/** TinyAgent's ReactAgent with the API's function tools. */
export const createTinyAgentNative: CreateRun = createReactAgent('native');

/** TinyAgent's ReactAgent with tool calls as JSON objects in the reply text. */
export const createTinyAgentJson: CreateRun = createReactAgent('json');
