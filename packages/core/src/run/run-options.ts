import type { AgentEvent } from './agent-events.ts';
import type { ChatMessage } from '../model/chat-model.ts';
import { ConfigurationError } from '../errors.ts';
import { checkMilliseconds, describeValue } from './milliseconds.ts';
import type { StepRunner } from './step-runner.ts';
import type { OutputSchema } from './structured-output.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import type { ApprovalDecision } from './approvals.ts';

/**
 * Options of an agent's `run` and `stream`; `Event` is the agent's event union, `Schema` the type of
 * `output` (none by default, so that options kept in a variable leave `run` typed by the agent's schema).
 */
export interface RunOptions<Event = AgentEvent, Schema extends OutputSchema | undefined = undefined> {
  /** Steps (model turns) before the run stops; a positive integer. Each agent has its own default. */
  maxSteps?: number | undefined;
  /** Print a readable trace of the run to stderr. */
  verbose?: boolean | undefined;
  /** Resolve with the whole RunResult instead of the answer text, and never reject. */
  returnResult?: boolean | undefined;
  /** Cancels the run: the model request in flight and every running tool. */
  signal?: AbortSignal | undefined;
  /** Cancels the run after this many milliseconds. */
  timeoutMs?: number | undefined;
  /** Deadline of each tool call without a `timeoutMs` of its own; overrides the agent's. Default 60 000. */
  toolTimeoutMs?: number | undefined;
  /** Deadline of each model call, retries included; overrides the agent's. Default: the model's (180 000). */
  modelTimeoutMs?: number | undefined;
  /** Receives every event of the run, in order. */
  onEvent?: ((event: Event) => void) | undefined;
  /**
   * Stream each model reply to the listeners as it arrives: `text-delta`, `reasoning-delta`,
   * `tool-call-delta`, and the protocol's `answer-delta` (see docs/streaming.md). Model calls then
   * stream (OpenAIChatModel asks for server-sent events); off by default, and without a listener
   * (`onEvent`, `stream()`, `verbose`) nothing streams.
   */
  deltas?: boolean | undefined;
  /**
   * Earlier turns, placed between the system prompt and the new task, to continue a conversation:
   * a previous RunResult's `messages` work as they are (a leading system message gives way to the
   * agent's own prompt).
   */
  history?: readonly ChatMessage[] | undefined;
  /**
   * Runs each model call and tool execution (see StepRunner); a durable engine passes one that
   * records results and replays them. Default: run each as it comes.
   */
  stepRunner?: StepRunner | undefined;
  /**
   * A zod 4 schema the final answer must match, instead of the agent's: `run` then resolves with the
   * parsed value, and an answer that does not match goes back to the model as a correction.
   */
  output?: Schema;
  /**
   * Receives a snapshot of the run after every step and when it pauses for approval, to save it
   * (`JSON.stringify` it); `agent.resume` continues the run from any of them. The run waits for a
   * returned promise; a snapshot that cannot be saved (the function throws) ends the run with that error.
   */
  onSnapshot?: ((snapshot: RunSnapshot) => void | Promise<void>) | undefined;
}

/**
 * Options of an agent's `resume`: those of `run` but `history` (the task and history come from the
 * snapshot) and `output` (a resumed run answers in the agent's schema), and the decisions on the
 * snapshot's pending approvals.
 */
export interface ResumeOptions<Event = AgentEvent> extends Omit<RunOptions<Event>, 'history' | 'output'> {
  /**
   * Decisions on the snapshot's pending approvals, by `callId`. An approved call runs; a declined
   * one goes back to the model with the reason; one left out keeps the run waiting for it.
   */
  approvals?: Readonly<Record<string, ApprovalDecision>> | undefined;
}

/** `RunOptions` that make `run` resolve with a RunResult. */
export type RunOptionsWithResult<Event = AgentEvent, Schema extends OutputSchema | undefined = undefined> = RunOptions<
  Event,
  Schema
> & { returnResult: true };

/** Options of an agent's `stream`: those of `run`, without `returnResult` (the result is in `run-end`). */
export type StreamOptions<Event = AgentEvent> = Omit<RunOptions<Event, OutputSchema | undefined>, 'returnResult'>;

/** The deadline of a tool call when neither the tool, the agent nor the run sets one: a minute. */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

/** Every key of RunOptions, checked by the compiler both ways. */
export const RUN_OPTION_KEYS: readonly string[] = Object.keys({
  maxSteps: true,
  verbose: true,
  returnResult: true,
  signal: true,
  timeoutMs: true,
  toolTimeoutMs: true,
  modelTimeoutMs: true,
  onEvent: true,
  deltas: true,
  history: true,
  stepRunner: true,
  output: true,
  onSnapshot: true,
} satisfies Record<keyof RunOptions, true>);

/** Every key of ResumeOptions. */
export const RESUME_OPTION_KEYS: readonly string[] = [
  ...RUN_OPTION_KEYS.filter((key) => key !== 'history' && key !== 'output'),
  'approvals',
];

/** Throws ConfigurationError for a task, step limit or deadline no run can use. */
export function checkRunInput(task: unknown, maxSteps: number, options: RunOptions<never>): void {
  if (typeof task !== 'string' || task.trim() === '') {
    throw new ConfigurationError('The task must be a non-empty string: the question or instruction for the agent.');
  }
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new ConfigurationError(`maxSteps must be a positive integer; got ${String(maxSteps)}.`);
  }
  for (const name of ['timeoutMs', 'toolTimeoutMs', 'modelTimeoutMs'] as const) {
    checkMilliseconds(name, options[name]);
  }
  for (const name of ['deltas', 'verbose', 'returnResult'] as const) {
    const value: unknown = options[name];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new ConfigurationError(`${name} must be true or false; got ${describeValue(value)}.`);
    }
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw new ConfigurationError('onEvent must be a function that receives each event of the run.');
  }
  if (options.signal !== undefined && !isAbortSignal(options.signal)) {
    throw new ConfigurationError("signal must be an AbortSignal, such as an AbortController's signal.");
  }
  if (options.onSnapshot !== undefined && typeof options.onSnapshot !== 'function') {
    throw new ConfigurationError('onSnapshot must be a function that receives each RunSnapshot.');
  }
  // Read as untyped input: plain JavaScript callers can pass anything, null included.
  const runner = options.stepRunner as Partial<StepRunner> | null | undefined;
  if (runner !== undefined && typeof runner?.run !== 'function') {
    throw new ConfigurationError('stepRunner must be a StepRunner: an object with a run(id, work) method.');
  }
}

/** The `history` option as messages to place after the system prompt, without a leading system message. */
export function readHistory(history: unknown): readonly ChatMessage[] {
  if (history === undefined) return [];
  if (!Array.isArray(history)) {
    throw new ConfigurationError('history must be an array of chat messages, such as a previous RunResult.messages.');
  }
  const messages = history as readonly ChatMessage[];
  return messages[0]?.role === 'system' ? messages.slice(1) : [...messages];
}

// By shape, not `instanceof`: a signal of another realm (a test environment's, a polyfill's) works alike.
function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  const { aborted, addEventListener } = value as Partial<AbortSignal>;
  return typeof aborted === 'boolean' && typeof addEventListener === 'function';
}
