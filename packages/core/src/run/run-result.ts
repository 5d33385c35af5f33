import type { ChatMessage, Usage } from '../model/chat-model.ts';
import type { FinalAnswer } from './final-answer.ts';
import type { StepRecord } from './step-records.ts';
import type { PendingApproval } from './approvals.ts';
import type { RunSnapshot } from './run-snapshot.ts';

/** How a run ended. */
export type RunState = 'completed' | 'step_limit_reached' | 'error' | 'aborted' | 'awaiting_approval';

/** Token usage summed over a run's model calls. */
export interface RunUsage {
  /** Model calls made. */
  requests: number;
  /** Calls whose response carried no usage: the token totals leave these out. */
  requestsWithoutUsage: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** Everything known about a finished run; `Value` is the type of `finalAnswer.value` (see AnswerValueOf). */
export interface RunResult<Value = unknown> {
  /** The final answer as text; empty when the run ended without one. */
  output: string;
  /** The answer with its provenance; with an output schema, `value` is the parsed answer. */
  finalAnswer: FinalAnswer<Value> | undefined;
  state: RunState;
  stepsTaken: number;
  durationMs: number;
  /** Why the run failed: set for `error`, `aborted`, and `step_limit_reached` without an answer. */
  error?: Error | undefined;
  usage: RunUsage;
  /** The whole conversation, system prompt included. */
  messages: ChatMessage[];
  /** What happened in each step: the model's reply, each tool call (with the error a tool threw), the code run. */
  steps: StepRecord[];
  metadata: Record<string, unknown>;
  /** In state `awaiting_approval`: what waits for a decision. */
  pendingApprovals?: PendingApproval[] | undefined;
  /** In state `awaiting_approval`: the run, saved, for `agent.resume` with the decisions. */
  snapshot?: RunSnapshot | undefined;
}

/** A RunUsage with nothing counted yet. */
export function emptyUsage(): RunUsage {
  return { requests: 0, requestsWithoutUsage: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 };
}

/** Adds one model call's usage (undefined when the server reported none) to a run's totals, in place. */
export function addUsage(total: RunUsage, usage: Usage | undefined): RunUsage {
  total.requests += 1;
  if (usage === undefined) {
    total.requestsWithoutUsage += 1;
  } else {
    total.inputTokens += usage.inputTokens;
    total.outputTokens += usage.outputTokens;
    total.totalTokens += usage.totalTokens;
  }
  return total;
}

/** Adds a whole run's usage (a sub-agent's) to a run's totals, in place. */
export function mergeUsage(total: RunUsage, usage: Readonly<RunUsage>): RunUsage {
  total.requests += usage.requests;
  total.requestsWithoutUsage += usage.requestsWithoutUsage;
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
  total.totalTokens += usage.totalTokens;
  return total;
}
