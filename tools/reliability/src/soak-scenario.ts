// The soak's runs and the fake model behind them. Every run has its own question (multiply two
// numbers, add the run's offset) and its own expected answer. The fake server answers each request
// from the run's own transcript, so an answer can only be right if the run saw its own tool results;
// and about one request in ten gets a fault instead.
import { tool, z } from '@tinyagent/core';
import { sleep } from '@tinyagent/core/internal';
import type { Tool } from '@tinyagent/core';
import type { FakeRequest, FakeResponse } from '@tinyagent/testing';
import { createRandom } from './random.ts';

/** The three kinds of soak runs. */
export type SoakKind = 'react-json' | 'react-native' | 'code';

/** One soak run: its question and the answer only it should reach. */
export interface SoakRun {
  id: string;
  kind: SoakKind;
  streaming: boolean;
  task: string;
  expected: string;
}

/** The faults injected, one of them into about one model request in ten. */
const FAULT_KINDS = [
  '429 retry-after',
  '500',
  '503',
  'reset',
  'hang',
  'malformed',
  'empty_choices',
  'content-null',
  'truncated_stream',
] as const;

/** One of the injected faults. */
export type FaultKind = (typeof FAULT_KINDS)[number];

const FAULT_RATE = 0.1;

/** The offset every run adds to its product: a fixed function of its id. */
function offsetOf(id: string): number {
  let hash = 7;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) % 1000;
  return hash;
}

/** The runs of a soak: `react` ReactAgent runs (half per protocol) and `code` TinyCodeAgent runs. */
export function createSoakRuns(react: number, code: number, seed: number): SoakRun[] {
  const random = createRandom(seed);
  const make = (id: string, kind: SoakKind, index: number): SoakRun => {
    const a = random.integer(2, 999);
    const b = random.integer(2, 999);
    return {
      id,
      kind,
      streaming: index % 2 === 1,
      task: `Soak run ${id}: multiply ${a} by ${b}, add the offset of ${id}, and answer "${id}: <result>".`,
      expected: `${id}: ${a * b + offsetOf(id)}`,
    };
  };
  return [
    ...Array.from({ length: react }, (_, index) =>
      make(`R${index}`, index % 4 < 2 ? 'react-json' : 'react-native', index),
    ),
    ...Array.from({ length: code }, (_, index) => make(`C${index}`, 'code', index)),
  ];
}

/** Multiplies two numbers. */
export const multiply: Tool = tool({
  name: 'multiply',
  description: 'Multiplies two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a * b,
});

/** The offset of a run, after a short wait (the ReactAgent runs use this async one). */
export const lookupOffsetAsync: Tool = tool({
  name: 'lookup_offset',
  description: 'The offset of a run.',
  parameters: z.object({ id: z.string() }),
  execute: async ({ id }, { signal }) => {
    await sleep(offsetOf(id) % 5, signal);
    return offsetOf(id);
  },
});

/** The offset of a run, at once (the code agent's tools are synchronous). */
export const lookupOffset: Tool = tool({
  name: 'lookup_offset',
  description: 'The offset of a run.',
  parameters: z.object({ id: z.string() }),
  execute: ({ id }) => offsetOf(id),
});

/**
 * Creates the fake server's handler: a fault for about one request in ten (decided by the seed, the
 * run and the request's number within the run), otherwise the next move of the run's own script.
 * `faults` counts the faults sent, by kind.
 */
export function createSoakModel(seed: number): {
  answer: (request: FakeRequest) => FakeResponse;
  faults: Map<FaultKind, number>;
} {
  const requestsPerRun = new Map<string, number>();
  const faults = new Map<FaultKind, number>();
  const answer = (request: FakeRequest): FakeResponse => {
    const messages = request.body.messages;
    const task = messages.find((message) => message.role === 'user')?.content;
    const asked = typeof task === 'string' ? /^Soak run (\w+): multiply (\d+) by (\d+)/.exec(task) : null;
    if (asked === null) return { status: 400, message: 'Not a soak run.', headers: { 'x-should-retry': 'false' } };
    const [, id = '', a = '', b = ''] = asked;
    const number = requestsPerRun.get(id) ?? 0;
    requestsPerRun.set(id, number + 1);
    const random = createRandom(seed ^ (offsetOf(id) * 7919 + Number(id.slice(1)) * 104_729 + number));
    if (random.next() < FAULT_RATE) {
      const kind = random.pick(FAULT_KINDS);
      faults.set(kind, (faults.get(kind) ?? 0) + 1);
      return faultReply(kind);
    }
    const question = { id, a: Number(a), b: Number(b) };
    // The code agent is the one that sends a stop sequence.
    if (request.body.stop !== undefined) return codeMove(question, messages);
    return nextMove(question, messages, request.body.tools !== undefined);
  };
  return { answer, faults };
}

function faultReply(kind: FaultKind): FakeResponse {
  switch (kind) {
    case '429 retry-after':
      return { status: 429, retryAfter: 1, message: 'Rate limited by the soak.' };
    case '500':
      return { status: 500 };
    case '503':
      return { status: 503 };
    case 'content-null':
      return { content: null };
    case 'reset':
    case 'hang':
    case 'malformed':
    case 'empty_choices':
    case 'truncated_stream':
      return { fault: kind };
  }
}

interface Question {
  id: string;
  a: number;
  b: number;
}

type WireMessage = FakeRequest['body']['messages'][number];

// The model's next move, read off the run's own transcript: the tool results it has seen so far.
function nextMove(question: Question, messages: readonly WireMessage[], native: boolean): FakeResponse {
  const { id, a, b } = question;
  if (native) {
    const results = messages
      .filter((message) => message.role === 'tool')
      .map((message) => Number(message.content))
      .filter(Number.isFinite);
    if (results.length < 2) {
      return {
        toolCalls: [
          { name: 'multiply', arguments: { a, b } },
          { name: 'lookup_offset', arguments: { id } },
        ],
      };
    }
    return `${id}: ${(results[0] ?? 0) + (results[1] ?? 0)}`;
  }
  const observations = observationsIn(messages, 'Observation: ');
  if (observations.length === 0) return JSON.stringify({ tool: 'multiply', arguments: { a, b } });
  if (observations.length === 1) return JSON.stringify({ tool: 'lookup_offset', arguments: { id } });
  return JSON.stringify({ answer: `${id}: ${(observations[0] ?? 0) + (observations[1] ?? 0)}` });
}

function codeMove(question: Question, messages: readonly WireMessage[]): string {
  const { id, a, b } = question;
  const [printed] = observationsIn(messages, 'Observation:\n');
  if (printed === undefined) {
    return (
      '```js\n' +
      `const product = multiply({ a: ${a}, b: ${b} });\n` +
      `const offset = lookup_offset({ id: ${JSON.stringify(id)} });\n` +
      'console.log(product + offset);\n```'
    );
  }
  // The sandbox's variables must have survived the step, and agree with what the run saw printed.
  return (
    '```js\n' +
    `if (product + offset !== ${printed}) throw new Error('the sandbox lost its state');\n` +
    `final_answer(${JSON.stringify(`${id}: `)} + ${printed});\n\`\`\``
  );
}

function observationsIn(messages: readonly WireMessage[], prefix: string): number[] {
  return messages
    .filter((message) => message.role === 'user' && typeof message.content === 'string')
    .map((message) => message.content as string)
    .filter((content) => content.startsWith(prefix))
    .map((content) => Number(content.slice(prefix.length).trim()))
    .filter(Number.isFinite);
}
