import type { FinishReason, ToolCall, Usage } from '../model/chat-model.ts';
import type { PendingApproval } from './approvals.ts';
import type { FinalAnswer } from './final-answer.ts';
import type { RunResult } from './run-result.ts';

/** What every event carries, filled in by the run. */
export interface EventEnvelope {
  /** The run the event belongs to (RunResult.metadata.runId). */
  runId: string;
  /** The step it happened in: 0 before the first step (`run-start`), the last step for `run-end`. */
  step: number;
  /** Its position in the run's events, from 1, with no gaps: a consumer can tell whether it missed one. */
  seq: number;
  /**
   * Set on the events of an agent called as a tool (`asTool`), as the calling run's listeners get
   * them: the id of the run whose tool call ran it.
   */
  parentRunId?: string | undefined;
}

/** A run began. */
export interface RunStartEvent extends EventEnvelope {
  type: 'run-start';
  /** The agent's name (its protocol's `agentName`, e.g. `ReactAgent`); set by core's engine, absent from events of older versions. */
  agent?: string | undefined;
  task: string;
  tools: readonly string[];
  model: string;
  maxSteps: number;
  /** Set when `agent.resume` continues a saved run: its events go on from where the snapshot was taken. */
  resumed?: true | undefined;
}

/** A step began; `finalAttempt` marks the one extra step some agents take after the step limit. */
export interface StepStartEvent extends EventEnvelope {
  type: 'step-start';
  maxSteps: number;
  finalAttempt: boolean;
}

/** The agent is about to call the model. */
export interface ModelRequestEvent extends EventEnvelope {
  type: 'model-request';
  messageCount: number;
  temperature: number | undefined;
  toolsOffered: boolean;
}

/**
 * A model call's attempt failed and will be retried after `delayMs`. With `deltas` on, the pieces
 * already streamed of that attempt (their `attempt` is this one) were not the reply: drop them.
 */
export interface ModelRetryEvent extends EventEnvelope {
  type: 'model-retry';
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  /** Why it failed, known secrets redacted. */
  reason: string;
  /** HTTP status of the failed attempt; undefined for connection failures and broken replies. */
  status: number | undefined;
}

/** The model replied. */
export interface ModelResponseEvent extends EventEnvelope {
  type: 'model-response';
  content: string | null;
  toolCalls: readonly ToolCall[];
  finishReason: FinishReason;
  /** The model that answered, as the server named it; undefined when it did not say. */
  responseModel?: string | undefined;
  /** Undefined when the server reported no usage. */
  usage: Usage | undefined;
  /** The model's reasoning, when the server sent it apart from the answer. */
  reasoning?: string | undefined;
  durationMs: number;
}

/** The next piece of the model's text as it streams (run option `deltas`); `model-response` has the whole. */
export interface TextDeltaEvent extends EventEnvelope {
  type: 'text-delta';
  /** The attempt of the step's model call, from 1: a `model-retry` of it means its pieces were not the reply. */
  attempt: number;
  text: string;
}

/** The next piece of the model's reasoning as it streams (run option `deltas`): reasoning fields and `<think>` content. */
export interface ReasoningDeltaEvent extends EventEnvelope {
  type: 'reasoning-delta';
  /** The attempt of the step's model call, from 1. */
  attempt: number;
  text: string;
}

/** The next fragment of a tool call as it streams (run option `deltas`). */
export interface ToolCallDeltaEvent extends EventEnvelope {
  type: 'tool-call-delta';
  /** The attempt of the step's model call, from 1. */
  attempt: number;
  /** The call's place among the reply's calls, in order of arrival, from 0. */
  index: number;
  /** The call's id, in the fragment that brings it. */
  id?: string | undefined;
  /** The tool's name, in the fragment that brings it. */
  name?: string | undefined;
  /** The next piece of the arguments' JSON text; '' when the fragment brings none. */
  arguments: string;
}

/**
 * The next piece of the final answer's text as the agent's protocol reads it from the stream (run
 * option `deltas`). What counts as answer text depends on the protocol; see ProtocolRun.streamModelCall.
 */
export interface AnswerDeltaEvent extends EventEnvelope {
  type: 'answer-delta';
  /** The attempt of the step's model call, from 1. */
  attempt: number;
  text: string;
}

/** A tool call is starting. */
export interface ToolStartEvent extends EventEnvelope {
  type: 'tool-start';
  toolCallId: string;
  toolName: string;
  /** The arguments as the model gave them (parsed when they were JSON). */
  arguments: unknown;
}

/** A tool call finished; `output` is what the model will read. */
export interface ToolEndEvent extends EventEnvelope {
  type: 'tool-end';
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
   * ToolExecutionError (`timedOut: true`) for a timeout; the step runner's own error when it failed.
   * Undefined for a success, an unknown tool and an abort.
   */
  error?: Error | undefined;
}

/** A call (or a code block) waits for a person's decision; the run pauses once its step is done. */
export interface ApprovalRequestedEvent extends EventEnvelope {
  type: 'approval-requested';
  approval: PendingApproval;
}

/** A decision on an approval was applied: the call runs, or goes back to the model declined. */
export interface ApprovalResolvedEvent extends EventEnvelope {
  type: 'approval-resolved';
  callId: string;
  approved: boolean;
  /** Why it was declined, when the person said. */
  reason?: string | undefined;
}

/** The model's reply could not be used; the agent told it why and how to answer instead. */
export interface CorrectionEvent extends EventEnvelope {
  type: 'correction';
  reason: string;
  message: string;
}

/** The run has its final answer. */
export interface FinalAnswerEvent extends EventEnvelope {
  type: 'final-answer';
  answer: FinalAnswer;
}

/** The run ended, however it ended; the last event of every run. */
export interface RunEndEvent extends EventEnvelope {
  type: 'run-end';
  result: RunResult;
}

/** Everything core's run engine reports, in order, through `onEvent`, `stream()` and the verbose trace. */
export type AgentEvent =
  | RunStartEvent
  | StepStartEvent
  | ModelRequestEvent
  | ModelRetryEvent
  | TextDeltaEvent
  | ReasoningDeltaEvent
  | ToolCallDeltaEvent
  | AnswerDeltaEvent
  | ModelResponseEvent
  | ToolStartEvent
  | ToolEndEvent
  | ApprovalRequestedEvent
  | ApprovalResolvedEvent
  | CorrectionEvent
  | FinalAnswerEvent
  | RunEndEvent;

/**
 * An event an agent package adds of its own (the code agent's `code-start`, say): a `type` of its
 * own, in kebab-case, and its fields. The run fills in the envelope.
 */
export interface CustomEvent extends EventEnvelope {
  type: string;
}

/** An event as an agent emits it: the run fills in `runId`, `step` and `seq`. */
export type EventInput<Event extends EventEnvelope> = DistributiveOmit<Event, keyof EventEnvelope>;

/** A core event as the engine emits it. */
export type AgentEventInput = EventInput<AgentEvent>;

type DistributiveOmit<Type, Key extends PropertyKey> = Type extends unknown ? Omit<Type, Key> : never;

/** The type of every core event: an agent's own events take other types. */
export const CORE_EVENT_TYPES: ReadonlySet<string> = new Set(
  Object.keys({
    'run-start': true,
    'step-start': true,
    'model-request': true,
    'model-retry': true,
    'text-delta': true,
    'reasoning-delta': true,
    'tool-call-delta': true,
    'answer-delta': true,
    'model-response': true,
    'tool-start': true,
    'tool-end': true,
    'approval-requested': true,
    'approval-resolved': true,
    correction: true,
    'final-answer': true,
    'run-end': true,
  } satisfies Record<AgentEvent['type'], true>),
);
