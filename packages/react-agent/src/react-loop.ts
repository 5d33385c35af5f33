import { StepLimitReached } from '@tinyagent/core';
import { throwIfAborted } from '@tinyagent/core/internal';
import type { AgentRun, ChatModel, FinalAnswerSource, ReadonlyToolRegistry, ToolDefinition } from '@tinyagent/core';
import type { ToolCallingMode } from './system-prompt.ts';

/** The user message of the one extra model call after the step limit. */
export const FINAL_ATTEMPT_MESSAGE = 'Return your best final answer now.';

/** The highest temperature the corrections raise it to; the API accepts up to 2. */
const MAX_TEMPERATURE = 2;

/** Everything an agent fixes at construction and its runs read; nothing in it changes during a run. */
export interface ReactSettings {
  readonly model: ChatModel;
  readonly tools: ReadonlyToolRegistry;
  readonly systemPrompt: string;
  readonly toolCalling: ToolCallingMode;
  /** The function tools offered in the native protocol, built once. */
  readonly toolDefinitions: readonly ToolDefinition[];
  readonly temperature: number;
  readonly maxParallelTools: number;
  readonly maxObservationLength: number;
  readonly maxToolCallsPerTurn: number;
}

/** One protocol's handling of a model turn; its per-run state (the temperature) lives in the closure. */
export interface ReactProtocol {
  /** Calls the model once and acts on the reply; sets the run's final answer when the reply holds one. */
  step(step: number): Promise<void>;
  /** The extra call after the step limit (the request is already in the transcript); sets the answer if given. */
  finalAttempt(step: number): Promise<void>;
}

/**
 * The ReAct loop shared by both protocols: the system prompt, any earlier turns and the task, then
 * up to `maxSteps` steps until the final answer is set, then one final attempt; throws
 * StepLimitReached when that gives no answer either.
 */
export async function runReactLoop(run: AgentRun, settings: ReactSettings, protocol: ReactProtocol): Promise<void> {
  const { maxSteps } = run;
  run.messages.push({ role: 'system', content: settings.systemPrompt }, ...run.history, {
    role: 'user',
    content: run.task,
  });
  for (let step = 1; step <= maxSteps; step += 1) {
    throwIfAborted(run.signal);
    run.stepsTaken = step;
    run.emit({ type: 'step-start', step, maxSteps, finalAttempt: false });
    await protocol.step(step);
    if (run.finalizer.isSet()) return;
  }
  throwIfAborted(run.signal);
  run.emit({ type: 'step-start', step: maxSteps + 1, maxSteps, finalAttempt: true });
  run.messages.push({ role: 'user', content: FINAL_ATTEMPT_MESSAGE });
  await protocol.finalAttempt(maxSteps + 1);
  if (run.finalizer.isSet()) return;
  throw new StepLimitReached(StepLimitReached.describe(maxSteps, true), {
    stepsTaken: maxSteps,
    finalAttemptMade: true,
    context: { maxSteps, lastReply: lastAssistantText(run) },
  });
}

/** Records the run's final answer and reports it. */
export function setFinalAnswer(
  run: AgentRun,
  step: number,
  value: unknown,
  source: FinalAnswerSource,
  metadata?: Record<string, unknown>,
): void {
  const answer = run.finalizer.set(value, { source, metadata });
  run.emit({ type: 'final-answer', step, answer });
}

/** Tells the model why its reply could not be used and what to send instead; the step still counts. */
export function sendCorrection(run: AgentRun, step: number, reason: string, message: string): void {
  run.messages.push({ role: 'user', content: message });
  run.emit({ type: 'correction', step, reason, message });
}

/**
 * The temperature after an unusable reply: 0.2 higher, so the next attempt leaves the rut, capped
 * at 2; rounded so that 0.7 + 0.2 is sent as 0.9.
 */
export function raiseTemperature(temperature: number): number {
  return Math.min(MAX_TEMPERATURE, Math.round((temperature + 0.2) * 100) / 100);
}

function lastAssistantText(run: AgentRun): string | undefined {
  for (let index = run.messages.length - 1; index >= 0; index -= 1) {
    const message = run.messages[index];
    if (message?.role === 'assistant') return message.content ?? undefined;
  }
  return undefined;
}
