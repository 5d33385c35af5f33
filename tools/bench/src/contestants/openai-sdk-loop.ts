import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { INSTRUCTIONS } from './contestant.ts';
import type { CreateRun, CreateStream } from './contestant.ts';
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

/**
 * The streaming floor: the SDK's stream iterated by hand (`stream: true`, usage included, the
 * scenario tools offered like every contestant's), counting the content deltas.
 */
export const createOpenAISdkStream: CreateStream = ({ baseURL, model }) => {
  const client = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0 });
  return async (task, stall) => {
    const stream = await client.chat.completions.create({
      model,
      messages: [
        { role: 'system', content: INSTRUCTIONS },
        { role: 'user', content: task },
      ],
      tools: WIRE_TOOLS,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let deltas = 0;
    let firstDeltaAt = Number.NaN;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece === undefined || piece === null || piece === '') continue;
      if (deltas === 0) firstDeltaAt = performance.now();
      text += piece;
      deltas += 1;
      if (deltas === stall?.afterDeltas) await stall.hold();
    }
    return { text, deltas, firstDeltaAt, answer: text };
  };
};
