import type { CreateRun } from './contestant.ts';
import { WIRE_TOOLS, runHandWrittenLoop } from './hand-written-loop.ts';
import type { WireMessage } from './hand-written-loop.ts';

/**
 * The physical floor: the hand-written loop on bare `fetch` and `JSON.parse`, with no SDK at all.
 * What is left is HTTP and JSON, which every contestant pays.
 */
export const createFetchLoop: CreateRun = ({ baseURL, model }) => {
  const url = `${baseURL}/chat/completions`;
  const headers = { 'content-type': 'application/json', authorization: 'Bearer bench' };
  return (task) =>
    runHandWrittenLoop(task, async (messages) => {
      const body = JSON.stringify({ model, messages, tools: WIRE_TOOLS });
      const response = await fetch(url, { method: 'POST', headers, body });
      if (!response.ok) throw new Error(`The model answered HTTP ${response.status}.`);
      const completion = (await response.json()) as { choices: { message: WireMessage }[] };
      return completion.choices[0]?.message;
    });
};
