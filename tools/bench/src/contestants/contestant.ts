import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { SLOW_TOOL_MS } from '../scenario.ts';

/** The instructions every contestant that takes a system prompt gets (TinyAgent keeps its own default). */
export const INSTRUCTIONS = 'You solve tasks with the tools you are given. Reply with the answer when you know it.';

/** A scenario tool, described once and handed to each framework in its own idiom. */
export interface BenchTool {
  name: string;
  description: string;
  parameters: z.ZodObject<{ a: z.ZodNumber; b: z.ZodNumber }>;
  execute: (args: { a: number; b: number }) => number | Promise<number>;
}

const numbers = z.object({ a: z.number().describe('The first number.'), b: z.number().describe('The second number.') });

/** The sequential scenario's tool: adds two numbers at once. */
const addTool: BenchTool = {
  name: 'add',
  description: 'Adds two numbers and returns the sum.',
  parameters: numbers,
  execute: ({ a, b }) => a + b,
};

/** The parallel scenario's tool: adds two numbers after SLOW_TOOL_MS, like a slow API would. */
const slowAddTool: BenchTool = {
  name: 'slow_add',
  description: 'Adds two numbers and returns the sum, slowly.',
  parameters: numbers,
  execute: async ({ a, b }) => {
    await sleep(SLOW_TOOL_MS);
    return a + b;
  },
};

/** The tools every contestant offers: the model picks the one its scenario needs. */
export const BENCH_TOOLS: readonly BenchTool[] = [addTool, slowAddTool];

/** Where a contestant finds the fake model. */
export interface ContestantSetup {
  /** The fake server's base URL, ending in `/v1`. */
  baseURL: string;
  /** The model name, which tells the fake model how long to wait (see `modelForLatency`). */
  model: string;
}

/** Runs one task to the end and resolves with the final answer text. */
export type RunTask = (task: string) => Promise<string>;

/** Builds a contestant's client or agent once; the returned function is called for every run. */
export type CreateRun = (setup: ContestantSetup) => RunTask;

/** Turns tool-call arguments (JSON text, as the model wrote it) into the scenario tool's result text. */
export async function callBenchTool(name: string, argumentsJson: string): Promise<string> {
  const entry = BENCH_TOOLS.find((candidate) => candidate.name === name);
  if (entry === undefined) return `Error: no tool named ${name}`;
  const args = JSON.parse(argumentsJson) as { a: number; b: number };
  return String(await entry.execute(args));
}

/** Most steps any contestant may take; the scenario needs TOOL_TURNS + 1. */
export const MAX_TURNS = 10;

/**
 * A hold on a streamed reply's consumer: after reading `afterDeltas` text deltas it awaits `hold()`
 * before it reads on, as a slow consumer (a stalled UI, a full socket to a browser) would.
 */
export interface StreamStall {
  afterDeltas: number;
  hold: () => Promise<void>;
  /**
   * Events produced and not yet read, set by a contestant whose stream can tell (TinyAgent's, through
   * `onEvent`); the measurement reads it during the stall.
   */
  unreadEvents?: (() => number) | undefined;
}

/** One streamed reply as a contestant consumed it. */
export interface StreamOutcome {
  /** The text assembled from the deltas, in order. */
  text: string;
  /** Text deltas received. */
  deltas: number;
  /** `performance.now()` when the first text delta reached the consumer; NaN if none did. */
  firstDeltaAt: number;
  /** The final answer as the framework reports it at the end (the assembled text for the SDK floor). */
  answer: string;
}

/** Streams one reply to `task`, reading every text delta, optionally stalling once. */
export type StreamTask = (task: string, stall?: StreamStall) => Promise<StreamOutcome>;

/** Builds a contestant's streaming client or agent once; the returned function is called for every run. */
export type CreateStream = (setup: ContestantSetup) => StreamTask;
