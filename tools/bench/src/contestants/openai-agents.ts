import { Agent, OpenAIChatCompletionsModel, run, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { BENCH_TOOLS, INSTRUCTIONS, MAX_TURNS } from './contestant.ts';
import type { ContestantSetup, CreateRun, CreateStream } from './contestant.ts';

// Tracing would export spans to OpenAI's servers; no contestant pays for work the others skip.
function createAgent({ baseURL, model }: ContestantSetup): Agent {
  setTracingDisabled(true);
  const client = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0 });
  return new Agent({
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
}

/** The OpenAI Agents SDK on its chat-completions model, tracing off. */
export const createOpenAIAgents: CreateRun = (setup) => {
  const agent = createAgent(setup);
  return async (task) => {
    const result = await run(agent, task, { maxTurns: MAX_TURNS });
    return result.finalOutput ?? '';
  };
};

/** The OpenAI Agents SDK streaming: `run(agent, task, { stream: true })`, reading `toTextStream()`. */
export const createOpenAIAgentsStream: CreateStream = (setup) => {
  const agent = createAgent(setup);
  return async (task, stall) => {
    const result = await run(agent, task, { maxTurns: MAX_TURNS, stream: true });
    let text = '';
    let deltas = 0;
    let firstDeltaAt = Number.NaN;
    for await (const piece of result.toTextStream()) {
      if (deltas === 0) firstDeltaAt = performance.now();
      text += piece;
      deltas += 1;
      if (deltas === stall?.afterDeltas) await stall.hold();
    }
    await result.completed;
    return { text, deltas, firstDeltaAt, answer: result.finalOutput ?? '' };
  };
};
