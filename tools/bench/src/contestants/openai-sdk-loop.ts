import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { CreateRun } from './contestant.ts';
import { WIRE_TOOLS, runHandWrittenLoop } from './hand-written-loop.ts';
import type { WireMessage } from './hand-written-loop.ts';

/** The floor for anything built on the official SDK: the hand-written loop on `chat.completions.create`. */
export const createOpenAISdkLoop: CreateRun = ({ baseURL, model }) => {
  const client = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0 });
  return (task) =>
    runHandWrittenLoop(task, async (messages) => {
      const completion = await client.chat.completions.create({
        model,
        messages: messages as ChatCompletionMessageParam[],
        tools: WIRE_TOOLS,
      });
      return completion.choices[0]?.message as WireMessage | undefined;
    });
};
