import type { ApprovalDecision, ApprovalRequest } from './approvals.ts';
import type { CustomEvent, EventInput } from './agent-events.ts';
import type { ChatMessage, ChatRequest, ChatResponse } from '../model/chat-model.ts';
import type { FinalAnswer } from './final-answer.ts';
import type { RunUsage } from './run-result.ts';
import type { RunScope } from '../tools/tool.ts';
import type { InvokeOptions, ToolCallOutcome, ToolCallRequest } from './tool-invocation.ts';

/** What a protocol asks the model: the request without the transcript, which the run sends itself. */
export type ModelRequest = Omit<ChatRequest, 'messages' | 'signal' | 'onRetry' | 'onDelta' | 'timeoutMs'>;

/** Options of `AgentRun.invokeTools`. */
export interface InvokeToolsOptions extends InvokeOptions {
  /** How many calls run at the same time, at least 1; default all of them. */
  maxParallel?: number | undefined;
}

/**
 * One run, as its agent's protocol drives it. The protocol asks; the run keeps the books: the
 * transcript, the current step, events, usage, deadlines, the tool path and the final answer.
 * Nothing in it is shared with other runs.
 */
export interface AgentRun<Event extends CustomEvent = never> {
  readonly id: string;
  readonly task: string;
  readonly maxSteps: number;
  /** The current step, from 1; `maxSteps + 1` during the final attempt. */
  readonly step: number;
  /** True during the one extra step after the step limit. */
  readonly isFinalAttempt: boolean;
  /** Aborted when the caller aborts or the run's timeout passes. */
  readonly signal: AbortSignal;
  /** The scope tools of this run share (see ToolContext.run). */
  readonly scope: RunScope;
  /** The transcript so far, system prompt first; what each model call sends. */
  readonly transcript: readonly ChatMessage[];
  readonly usage: Readonly<RunUsage>;
  /** The final answer once `finish` has set it. */
  readonly answer: FinalAnswer | undefined;
  /** Adds messages to the transcript. */
  append(...messages: ChatMessage[]): void;
  /**
   * Calls the model with the transcript, the run's signal and model deadline, through the step seam
   * (`<step>/model`: once per step); counts usage and emits the request, retry and response events.
   * Rejects with ModelCallError, ModelRefusalError, the abort reason, or a ConfigurationError for a
   * second call in one step.
   */
  callModel(request: ModelRequest): Promise<ChatResponse>;
  /**
   * Runs other work whose result a replay must reproduce (the code agent's clock reads, say) through
   * the step seam, as `<step>/<name>`; `name` is the agent's own (letters, digits, `-`, `_`, `.`,
   * `/`), unique within the step, and never `model` or `tool/...`. The result must be plain JSON data.
   */
  runStep<Result>(name: string, work: () => Promise<Result>): Promise<Result>;
  /** Runs one tool call through the one tool path (see `invokeTool`); rejects on abort or a failing step runner. */
  invokeTool(call: ToolCallRequest, options?: InvokeOptions): Promise<ToolCallOutcome>;
  /** Runs the tool calls of one reply, concurrently up to `maxParallel`; outcomes in the order of the calls. */
  invokeTools(calls: readonly ToolCallRequest[], options?: InvokeToolsOptions): Promise<ToolCallOutcome[]>;
  /** Tells the model why its reply could not be used and what to send instead; the step still counts. */
  correct(reason: string, message: string): void;
  /**
   * Asks a person to decide on something before it runs (the code agent's block of code): resolves
   * with the decision when it is taken (on resume); otherwise the run pauses here, in state
   * `awaiting_approval`, by rejecting with a RunPaused that the protocol must let through.
   * Tool calls need no such step: the tool path asks for those itself.
   */
  requestApproval(request: ApprovalRequest): Promise<ApprovalDecision>;
  /**
   * Gives the run its final answer; the run ends after this step. Throws MultipleFinalAnswers when set twice.
   * With an output schema, an answer that does not match it is a correction instead (see `acceptAnswer`).
   */
  finish(value: unknown, metadata?: Record<string, unknown>): void;
  /** Reports one of the agent's own events; the run fills in `runId`, `step` and `seq`. */
  emit(event: EventInput<Event>): void;
}
