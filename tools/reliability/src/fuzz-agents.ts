// The pieces the agent fuzz tests share: a model that replays generated replies and counts its calls,
// the two tools the replies aim at, and the check that a run settled as the agents promise.
import { StepLimitReached, isTinyAgentError, tool, z } from '@tinyagent/core';
import { abortReason } from '@tinyagent/core/internal';
import type { ChatModel, ChatRequest, ChatResponse, RunResult, Tool } from '@tinyagent/core';
import { createPlan, getPlan, updatePlan } from '@tinyagent/planning-tools';

/** A ChatModel that answers the n-th call with the n-th reply (the last one once they run out). */
export interface ReplayModel extends ChatModel {
  readonly calls: number;
}

/** Creates a model replaying `replies`; unlike the scripted model it copies nothing, so huge transcripts stay cheap. */
export function createReplayModel(replies: readonly unknown[]): ReplayModel {
  let calls = 0;
  return {
    modelName: 'replay-model',
    get calls() {
      return calls;
    },
    complete(request: ChatRequest): Promise<ChatResponse> {
      if (request.signal?.aborted === true) return Promise.reject(abortReason(request.signal));
      const reply = replies[Math.min(calls, replies.length - 1)];
      calls += 1;
      return Promise.resolve(reply as ChatResponse);
    },
  };
}

/** Current weather for a city (a fixed table); synchronous, so both agents can use it. */
const getWeather: Tool = tool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, celsius: city.length % 30 }),
});

/** Adds two numbers; synchronous. */
const add: Tool = tool({
  name: 'add',
  description: 'Adds two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

/** The tools the fuzzed replies aim at: two small ones and the run-scoped planning tools (all synchronous). */
export const fuzzTools: readonly Tool[] = [getWeather, add, createPlan, updatePlan, getPlan] as readonly Tool[];

/**
 * Why a finished run breaks the agents' promise, or undefined when it keeps it: at most
 * `maxModelCalls` model calls, and an answer, StepLimitReached or a typed error.
 */
export function settlementProblem(result: RunResult, calls: number, maxModelCalls: number): string | undefined {
  if (calls > maxModelCalls) return `${calls} model calls, more than ${maxModelCalls}`;
  switch (result.state) {
    case 'completed':
      return result.finalAnswer === undefined ? 'completed without an answer' : undefined;
    case 'step_limit_reached':
      return result.finalAnswer !== undefined || StepLimitReached.isInstance(result.error)
        ? undefined
        : `step limit reached with ${String(result.error)}`;
    case 'error':
      return isTinyAgentError(result.error) ? undefined : `untyped error: ${describe(result.error)}`;
    case 'aborted':
      return 'aborted although nobody aborted it';
    case 'awaiting_approval':
      return 'waits for approval although no fuzzed tool needs any';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
}
