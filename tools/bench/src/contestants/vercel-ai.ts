import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import type { ToolSet } from 'ai';
import { BENCH_TOOLS, INSTRUCTIONS, MAX_TURNS } from './contestant.ts';
import type { ContestantSetup, CreateRun, CreateStream } from './contestant.ts';

// The options of one run, the same for generateText and streamText.
function createRequest({ baseURL, model }: ContestantSetup) {
  // Usage in streams, as every streaming contestant asks for it (the SDK's default leaves it out).
  const provider = createOpenAICompatible({ name: 'bench', baseURL, apiKey: 'bench', includeUsage: true });
  const tools: ToolSet = Object.fromEntries(
    BENCH_TOOLS.map((entry) => [
      entry.name,
      tool({ description: entry.description, inputSchema: entry.parameters, execute: entry.execute }),
    ]),
  );
  const languageModel = provider.chatModel(model);
  return (task: string) => ({
    model: languageModel,
    instructions: INSTRUCTIONS,
    prompt: task,
    tools,
    stopWhen: stepCountIs(MAX_TURNS),
    maxRetries: 0,
  });
}

/** The Vercel AI SDK: `generateText` with tools and a step limit, on its OpenAI-compatible provider. */
export const createVercelAi: CreateRun = (setup) => {
  const request = createRequest(setup);
  return async (task) => {
    const result = await generateText(request(task));
    return result.text;
  };
};

/** The Vercel AI SDK streaming: `streamText`, reading its `textStream`. */
export const createVercelAiStream: CreateStream = (setup) => {
  const request = createRequest(setup);
  return async (task, stall) => {
    const result = streamText(request(task));
    let text = '';
    let deltas = 0;
    let firstDeltaAt = Number.NaN;
    for await (const piece of result.textStream) {
      if (deltas === 0) firstDeltaAt = performance.now();
      text += piece;
      deltas += 1;
      if (deltas === stall?.afterDeltas) await stall.hold();
    }
    return { text, deltas, firstDeltaAt, answer: await result.text };
  };
};
