import { tool } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import { BENCH_TOOLS, MAX_TURNS } from './contestant.ts';
import type { ContestantSetup, CreateRun, RunTask } from './contestant.ts';

const tools = BENCH_TOOLS.map((entry) =>
  tool({ name: entry.name, description: entry.description, parameters: entry.parameters, execute: entry.execute }),
);

function createReactAgent(toolCalling: 'native' | 'json', { baseURL, model }: ContestantSetup): RunTask {
  // One agent for every run, as applications use it: the agent holds no per-run state.
  const agent = new ReactAgent({ tools, toolCalling, baseURL, model, apiKey: 'bench' });
  return (task) => agent.run(task, { maxSteps: MAX_TURNS });
}

/** TinyAgent's ReactAgent with the API's function tools. */
export const createTinyAgentNative: CreateRun = (setup) => createReactAgent('native', setup);

/** TinyAgent's ReactAgent with tool calls as JSON objects in the reply text. */
export const createTinyAgentJson: CreateRun = (setup) => createReactAgent('json', setup);
