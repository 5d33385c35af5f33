import type { FinishReason, ToolCall, Usage } from '../model/chat-model.ts';
import type { FinalAnswer } from './final-answer.ts';
import type { RunResult } from './run-result.ts';

/** A run began. */
export interface RunStartEvent {
  type: 'run-start';
  runId: string;
  task: string;
  tools: readonly string[];
  model: string;
  maxSteps: number;
}

/** A step began; `finalAttempt` marks the one extra step some agents take after the step limit. */
export interface StepStartEvent {
  type: 'step-start';
  runId: string;
  step: number;
  maxSteps: number;
  finalAttempt: boolean;
}

/** The agent is about to call the model. */
export interface ModelRequestEvent {
  type: 'model-request';
  runId: string;
  step: number;
  messageCount: number;
  temperature: number | undefined;
  toolsOffered: boolean;
}

/** A model call's attempt failed and will be retried after `delayMs`. */
export interface ModelRetryEvent {
  type: 'model-retry';
  runId: string;
  step: number;
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  /** Why it failed, known secrets redacted. */
  reason: string;
  /** HTTP status of the failed attempt; undefined for connection failures and broken replies. */
  status: number | undefined;
}

/** The model replied. */
export interface ModelResponseEvent {
  type: 'model-response';
  runId: string;
  step: number;
  content: string | null;
  toolCalls: readonly ToolCall[];
  finishReason: FinishReason;
  /** Undefined when the server reported no usage. */
  usage: Usage | undefined;
  /** The model's reasoning, when the server sent it apart from the answer. */
  reasoning?: string | undefined;
  durationMs: number;
}

/** A tool call is starting. */
export interface ToolStartEvent {
  type: 'tool-start';
  runId: string;
  step: number;
  toolCallId: string;
  toolName: string;
  /** The arguments as the model gave them (parsed when they were JSON). */
  arguments: unknown;
}

/** A tool call finished; `output` is what the model will read. */
export interface ToolEndEvent {
  type: 'tool-end';
  runId: string;
  step: number;
  toolCallId: string;
  toolName: string;
  output: string;
  isError: boolean;
  /** The length of the output before it was cut to the agent's limit; undefined when it was not cut. */
  originalLength: number | undefined;
  durationMs: number;
  /**
   * For the developer, never sent to the model: the error behind a failed call. What the tool threw,
   * unchanged and with its stack (a thrown value that is not an Error arrives as the
   * ToolExecutionError wrapping it); core's ToolInputError for rejected arguments, or its
   * ToolExecutionError (`timedOut: true`) for a timeout. Undefined for a success, an unknown tool
   * and an abort.
   */
  error?: Error | undefined;
}

/** The code agent is about to execute model-written code. */
export interface CodeStartEvent {
  type: 'code-start';
  runId: string;
  step: number;
  code: string;
}

/** Model-written code finished executing; `output` is what the model will read. */
export interface CodeEndEvent {
  type: 'code-end';
  runId: string;
  step: number;
  output: string;
  isError: boolean;
  durationMs: number;
}

/** The model's reply could not be used; the agent told it why and how to answer instead. */
export interface CorrectionEvent {
  type: 'correction';
  runId: string;
  step: number;
  reason: string;
  message: string;
}

/** The run has its final answer. */
export interface FinalAnswerEvent {
  type: 'final-answer';
  runId: string;
  step: number;
  answer: FinalAnswer;
}

/** The run ended, however it ended; the last event of every run. */
export interface RunEndEvent {
  type: 'run-end';
  runId: string;
  result: RunResult;
}

/** Everything an agent run reports, in order, through `onEvent`, `stream()` and the verbose trace. */
export type AgentEvent =
  | RunStartEvent
  | StepStartEvent
  | ModelRequestEvent
  | ModelRetryEvent
  | ModelResponseEvent
  | ToolStartEvent
  | ToolEndEvent
  | CodeStartEvent
  | CodeEndEvent
  | CorrectionEvent
  | FinalAnswerEvent
  | RunEndEvent;

/** An event as an agent emits it; the run fills in `runId`. */
export type AgentEventInput = DistributiveOmit<AgentEvent, 'runId'>;

type DistributiveOmit<Type, Key extends PropertyKey> = Type extends unknown ? Omit<Type, Key> : never;
