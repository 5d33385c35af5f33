// Every error TinyAgent throws extends TinyAgentError. Each carries a stable string `code` and a
// brand, so that `isTinyAgentError()` and the per-class `isInstance()` keep working when two copies
// of @tinyagent/core end up installed side by side (where `instanceof` would fail). Every
// constructor takes `(message, { ...context, cause })`: the message says what happened and what to
// do; the context is typed data for code that handles the error.

import type { PendingApproval } from './run/approvals.ts';
import { shortJson } from './tools/stringify.ts';
import type { RunSnapshot } from './run/run-snapshot.ts';

const brand = Symbol.for('@tinyagent/core/error');

/** Stable machine-readable codes of TinyAgent's errors. */
export type TinyAgentErrorCode =
  | 'step_limit_reached'
  | 'multiple_final_answers'
  | 'invalid_final_answer'
  | 'tool_input'
  | 'tool_execution'
  | 'model_call'
  | 'model_refusal'
  | 'configuration'
  | 'prompt_file'
  | 'registry'
  | 'run_aborted'
  | 'approval_required'
  | 'replay_diverged'
  // Defined by the other packages: SandboxError (code-agent), WebToolError (web-tools),
  // PlanNotFoundError (planning-tools), McpServerError (mcp).
  | 'sandbox'
  | 'web_tool'
  | 'plan_not_found'
  | 'mcp_server';

/** What every error's options may carry: the error that caused it. */
export interface TinyAgentErrorOptions {
  cause?: unknown;
}

/** Base class of every error TinyAgent throws; `code` says which kind it is. */
export class TinyAgentError extends Error {
  readonly code: TinyAgentErrorCode;

  constructor(message: string, options: TinyAgentErrorOptions & { code: TinyAgentErrorCode }) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = options.code;
    this.name = new.target.name;
    Object.defineProperty(this, brand, { value: true });
  }
}

/** True when `value` is any TinyAgent error, even one thrown by another installed copy of core. */
export function isTinyAgentError(value: unknown): value is TinyAgentError {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (value as Record<symbol, unknown>)[brand] === true;
  } catch {
    // A Proxy whose traps throw is not one of ours, and asking must not throw.
    return false;
  }
}

/** True when `value` is a TinyAgent error (from any copy of core) with the given code. */
export function hasErrorCode(value: unknown, code: TinyAgentErrorCode): boolean {
  return isTinyAgentError(value) && value.code === code;
}

/** Context kept when a run stops at its step limit, for diagnosis. */
export interface StepLimitContext {
  maxSteps: number;
  /** The last assistant reply seen before the limit, if any. */
  lastReply?: string | undefined;
  [key: string]: unknown;
}

/** The agent used all its steps without producing a final answer. */
export class StepLimitReached extends TinyAgentError {
  readonly stepsTaken: number;
  /** Whether the agent asked the model for one last answer after the limit (and it failed). */
  readonly finalAttemptMade: boolean;
  readonly context: StepLimitContext;

  constructor(
    message: string,
    options: TinyAgentErrorOptions & { stepsTaken: number; finalAttemptMade: boolean; context: StepLimitContext },
  ) {
    super(message, { ...options, code: 'step_limit_reached' });
    this.stepsTaken = options.stepsTaken;
    this.finalAttemptMade = options.finalAttemptMade;
    this.context = options.context;
  }

  /** The message agents give it: how many steps, whether a final attempt was made, what to try. */
  static describe(stepsTaken: number, finalAttemptMade: boolean): string {
    return (
      `The agent took ${stepsTaken} steps without reaching a final answer` +
      `${finalAttemptMade ? ', and the final attempt produced none either' : ''}. ` +
      'Raise maxSteps, simplify the task, or check that the tools return what the model needs.'
    );
  }

  /** True when `value` is a StepLimitReached from any copy of core. */
  static isInstance(value: unknown): value is StepLimitReached {
    return hasErrorCode(value, 'step_limit_reached');
  }
}

/** A second final answer was given where only one is allowed; carries both. */
export class MultipleFinalAnswers extends TinyAgentError {
  readonly firstAnswer: unknown;
  readonly secondAnswer: unknown;

  constructor(message: string, options: TinyAgentErrorOptions & { firstAnswer: unknown; secondAnswer: unknown }) {
    super(message, { ...options, code: 'multiple_final_answers' });
    this.firstAnswer = options.firstAnswer;
    this.secondAnswer = options.secondAnswer;
  }

  /** True when `value` is a MultipleFinalAnswers from any copy of core. */
  static isInstance(value: unknown): value is MultipleFinalAnswers {
    return hasErrorCode(value, 'multiple_final_answers');
  }
}

/** The model's final answer could not be accepted (unparseable or failing validation). */
export class InvalidFinalAnswer extends TinyAgentError {
  readonly rawContent: string;
  readonly validationError: string;

  constructor(message: string, options: TinyAgentErrorOptions & { rawContent: string; validationError: string }) {
    super(message, { ...options, code: 'invalid_final_answer' });
    this.rawContent = options.rawContent;
    this.validationError = options.validationError;
  }

  /** True when `value` is an InvalidFinalAnswer from any copy of core. */
  static isInstance(value: unknown): value is InvalidFinalAnswer {
    return hasErrorCode(value, 'invalid_final_answer');
  }
}

/** One problem found in a tool call's arguments; `path` leads to the offending field. */
export interface ToolInputIssue {
  path: readonly (string | number)[];
  message: string;
}

/** A tool was called with arguments its schema rejects; the message is written for the model to fix its call. */
export class ToolInputError extends TinyAgentError {
  readonly toolName: string;
  readonly issues: readonly ToolInputIssue[];

  constructor(
    message: string,
    options: TinyAgentErrorOptions & { toolName: string; issues: readonly ToolInputIssue[] },
  ) {
    super(message, { ...options, code: 'tool_input' });
    this.toolName = options.toolName;
    this.issues = options.issues;
  }

  /** The message for `issues`: each field's path and what is wrong with it. */
  static describe(toolName: string, issues: readonly ToolInputIssue[]): string {
    const details = issues.map((issue) => {
      const where = issue.path.length === 0 ? '(arguments)' : formatPath(issue.path);
      return `${where}: ${issue.message}`;
    });
    return `Invalid arguments for tool '${toolName}': ${details.join('; ')}`;
  }

  /** True when `value` is a ToolInputError from any copy of core. */
  static isInstance(value: unknown): value is ToolInputError {
    return hasErrorCode(value, 'tool_input');
  }
}

/** A field path as the model reads it: `items[0].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** A tool threw (or timed out) while running; the original error is the `cause`. */
export class ToolExecutionError extends TinyAgentError {
  readonly toolName: string;
  /** True when the tool ran past its deadline (rather than throwing). */
  readonly timedOut: boolean;

  constructor(message: string, options: TinyAgentErrorOptions & { toolName: string; timedOut?: boolean | undefined }) {
    const { timedOut = false, ...rest } = options;
    super(message, { ...rest, code: 'tool_execution' });
    this.toolName = options.toolName;
    this.timedOut = timedOut;
  }

  /** The message for a tool that failed for `reason`. */
  static describe(toolName: string, reason: string): string {
    return `Tool '${toolName}' failed: ${reason}`;
  }

  /** True when `value` is a ToolExecutionError from any copy of core. */
  static isInstance(value: unknown): value is ToolExecutionError {
    return hasErrorCode(value, 'tool_execution');
  }
}

/** A call to the model failed after any retries; `retryable` says whether trying again later may help. */
export class ModelCallError extends TinyAgentError {
  /** HTTP status of the failed response; undefined for connection failures and timeouts. */
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly requestId: string | undefined;

  constructor(
    message: string,
    options: TinyAgentErrorOptions & {
      status?: number | undefined;
      retryable: boolean;
      requestId?: string | undefined;
    },
  ) {
    super(message, { ...options, code: 'model_call' });
    this.status = options.status;
    this.retryable = options.retryable;
    this.requestId = options.requestId;
  }

  /** True when `value` is a ModelCallError from any copy of core. */
  static isInstance(value: unknown): value is ModelCallError {
    return hasErrorCode(value, 'model_call');
  }
}

/** Why a model declined: it refused in words, or the provider's content filter stopped the reply. */
export type ModelRefusalReason = 'refusal' | 'content_filter';

/**
 * The model declined the request: it sent a refusal, or the provider's content filter stopped its
 * reply. Not retried (the same request gets the same verdict); `refusal` holds the model's words.
 */
export class ModelRefusalError extends TinyAgentError {
  readonly reason: ModelRefusalReason;
  /** The refusal as the model wrote it (secrets redacted); undefined for a content filter. */
  readonly refusal: string | undefined;

  constructor(
    message: string,
    options: TinyAgentErrorOptions & { reason: ModelRefusalReason; refusal?: string | undefined },
  ) {
    super(message, { ...options, code: 'model_refusal' });
    this.reason = options.reason;
    this.refusal = options.refusal;
  }

  /** True when `value` is a ModelRefusalError from any copy of core. */
  static isInstance(value: unknown): value is ModelRefusalError {
    return hasErrorCode(value, 'model_refusal');
  }
}

/** The library is set up wrongly (missing key, bad option); the message says what to change. */
export class ConfigurationError extends TinyAgentError {
  constructor(message: string, options: TinyAgentErrorOptions = {}) {
    super(message, { ...options, code: 'configuration' });
  }

  /** True when `value` is a ConfigurationError from any copy of core. */
  static isInstance(value: unknown): value is ConfigurationError {
    return hasErrorCode(value, 'configuration');
  }
}

/** A prompt file could not be used: missing, a directory, an unsupported extension or not UTF-8. */
export class PromptFileError extends TinyAgentError {
  readonly path: string;

  constructor(message: string, options: TinyAgentErrorOptions & { path: string }) {
    super(message, { ...options, code: 'prompt_file' });
    this.path = options.path;
  }

  /** True when `value` is a PromptFileError from any copy of core. */
  static isInstance(value: unknown): value is PromptFileError {
    return hasErrorCode(value, 'prompt_file');
  }
}

/** A tool registry was misused: duplicate name, mutation after freeze. */
export class ToolRegistryError extends TinyAgentError {
  constructor(message: string, options: TinyAgentErrorOptions = {}) {
    super(message, { ...options, code: 'registry' });
  }

  /** True when `value` is a ToolRegistryError from any copy of core. */
  static isInstance(value: unknown): value is ToolRegistryError {
    return hasErrorCode(value, 'registry');
  }
}

/** A run was cancelled through its signal, or ran past its `timeoutMs`; `cause` holds the abort reason. */
export class RunAbortedError extends TinyAgentError {
  /** True when the run's own `timeoutMs` ended it, false when its signal was aborted. */
  readonly timedOut: boolean;

  constructor(message: string, options: TinyAgentErrorOptions & { timedOut: boolean }) {
    super(message, { ...options, code: 'run_aborted' });
    this.timedOut = options.timedOut;
  }

  /** True when `value` is a RunAbortedError from any copy of core. */
  static isInstance(value: unknown): value is RunAbortedError {
    return hasErrorCode(value, 'run_aborted');
  }
}

/**
 * A run waits for a person to approve tool calls (or a code block) before it goes on. Carries what
 * waits and the snapshot to pass to `agent.resume` with the decisions, from this or another process.
 */
export class ApprovalRequiredError extends TinyAgentError {
  readonly pendingApprovals: PendingApproval[];
  readonly snapshot: RunSnapshot;

  constructor(
    message: string,
    options: TinyAgentErrorOptions & { pendingApprovals: PendingApproval[]; snapshot: RunSnapshot },
  ) {
    super(message, { ...options, code: 'approval_required' });
    this.pendingApprovals = options.pendingApprovals;
    this.snapshot = options.snapshot;
  }

  /** True when `value` is an ApprovalRequiredError from any copy of core. */
  static isInstance(value: unknown): value is ApprovalRequiredError {
    return hasErrorCode(value, 'approval_required');
  }
}

/**
 * A resumed run did not retrace the run it continues: a replayed step asked for a different tool
 * call than the snapshot recorded, or skipped one. The agent's tools, prompt or code changed since
 * the snapshot was taken, or a tool's arguments depend on something outside the run.
 */
export class ReplayDivergedError extends TinyAgentError {
  /** The step where the replay left the recorded run. */
  readonly step: number;
  /** The seam id of the step that differed (`3/tool/call-1`). */
  readonly stepId: string;

  constructor(message: string, options: TinyAgentErrorOptions & { step: number; stepId: string }) {
    super(message, { ...options, code: 'replay_diverged' });
    this.step = options.step;
    this.stepId = options.stepId;
  }

  /** The replay made a different call than the one recorded under `stepId`. */
  static forCall(
    stepId: string,
    recorded: { name: string; arguments: unknown } | undefined,
    made: { name: string; arguments: unknown } | undefined,
  ): ReplayDivergedError {
    const step = Number.parseInt(stepId, 10);
    const did = made === undefined ? `asked for ${stepId}` : `called ${describeCall(made)} as ${stepId}`;
    const was = recorded === undefined ? 'nothing there' : describeCall(recorded);
    return new ReplayDivergedError(
      `Resuming the run diverged at step ${step}: it ${did}, where the snapshot recorded ${was}. ${SAME_AGENT}`,
      { step, stepId },
    );
  }

  /** The replay went past the step of `stepId` without reaching it. */
  static forSkipped(stepId: string): ReplayDivergedError {
    const step = Number.parseInt(stepId, 10);
    return new ReplayDivergedError(
      `Resuming the run diverged at step ${step}: the snapshot recorded ${stepId}, which the replay never ` +
        `reached. ${SAME_AGENT}`,
      { step, stepId },
    );
  }

  /** True when `value` is a ReplayDivergedError from any copy of core. */
  static isInstance(value: unknown): value is ReplayDivergedError {
    return hasErrorCode(value, 'replay_diverged');
  }
}

// What to do about any divergence: the replay retraces the run only with what made it.
const SAME_AGENT = 'Resume with the agent (tools, prompt, code) that took the snapshot.';

// Bounded: the arguments are the model's and may be long.
function describeCall(call: { name: string; arguments: unknown }): string {
  return `${call.name}(${shortJson(call.arguments)})`;
}
