import { Agent, OpenAIChatCompletionsModel, run, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { BENCH_TOOLS, INSTRUCTIONS, MAX_TURNS } from './contestant.ts';
import type { CreateRun } from './contestant.ts';

/** The OpenAI Agents SDK on its chat-completions model, tracing off. */
export const createOpenAIAgents: CreateRun = ({ baseURL, model }) => {
  // Tracing would export spans to OpenAI's servers; no contestant pays for work the others skip.
  setTracingDisabled(true);
  const client = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0 });
  const agent = new Agent({
    name: 'bench',
    instructions: INSTRUCTIONS,
    model: new OpenAIChatCompletionsModel(client, model),
    tools: BENCH_TOOLS.map((entry) =>
      tool({
        name: entry.name,
        description: entry.description,
        parameters: entry.parameters,
        execute: async (args) => String(await entry.execute(args)),
      }),
    ),
  });
  return async (task) => {
    const result = await run(agent, task, { maxTurns: MAX_TURNS });
    return result.finalOutput ?? '';
  };
};
