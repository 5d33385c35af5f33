import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, stepCountIs, tool } from 'ai';
import type { ToolSet } from 'ai';
import { BENCH_TOOLS, INSTRUCTIONS, MAX_TURNS } from './contestant.ts';
import type { CreateRun } from './contestant.ts';

/** The Vercel AI SDK: `generateText` with tools and a step limit, on its OpenAI-compatible provider. */
export const createVercelAi: CreateRun = ({ baseURL, model }) => {
  const provider = createOpenAICompatible({ name: 'bench', baseURL, apiKey: 'bench' });
  const languageModel = provider.chatModel(model);
  const tools: ToolSet = Object.fromEntries(
    BENCH_TOOLS.map((entry) => [
      entry.name,
      tool({ description: entry.description, inputSchema: entry.parameters, execute: entry.execute }),
    ]),
  );
  return async (task) => {
    const result = await generateText({
      model: languageModel,
      instructions: INSTRUCTIONS,
      prompt: task,
      tools,
      stopWhen: stepCountIs(MAX_TURNS),
      maxRetries: 0,
    });
    return result.text;
  };
};
