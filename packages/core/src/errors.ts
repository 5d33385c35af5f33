// Every error TinyAgent throws lives here. Each carries a stable string `code` and a brand, so that
// `isTinyAgentError()` and the per-class `isInstance()` keep working when two copies of
// @tinyagent/core end up installed side by side (where `instanceof` would fail).

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
  // Defined by agent packages that run model code (SandboxError in @tinyagent/code-agent).
  | 'sandbox';

/** Base class of every error TinyAgent throws; `code` says which kind it is. */
export class TinyAgentError extends Error {
  readonly code: TinyAgentErrorCode;

  constructor(code: TinyAgentErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
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

function hasCode(value: unknown, code: TinyAgentErrorCode): boolean {
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

  constructor(options: { stepsTaken: number; finalAttemptMade: boolean; context: StepLimitContext }) {
    super(
      'step_limit_reached',
      `The agent took ${options.stepsTaken} steps without reaching a final answer` +
        `${options.finalAttemptMade ? ', and the final attempt produced none either' : ''}. ` +
        'Raise maxSteps, simplify the task, or check that the tools return what the model needs.',
    );
    this.stepsTaken = options.stepsTaken;
    this.finalAttemptMade = options.finalAttemptMade;
    this.context = options.context;
  }

  /** True when `value` is a StepLimitReached from any copy of core. */
  static isInstance(value: unknown): value is StepLimitReached {
    return hasCode(value, 'step_limit_reached');
  }
}

/** A second final answer was given where only one is allowed; carries both. */
export class MultipleFinalAnswers extends TinyAgentError {
  readonly firstAnswer: unknown;
  readonly secondAnswer: unknown;

  constructor(firstAnswer: unknown, secondAnswer: unknown) {
    super('multiple_final_answers', 'A final answer was already given for this run; call final_answer exactly once.');
    this.firstAnswer = firstAnswer;
    this.secondAnswer = secondAnswer;
  }

  /** True when `value` is a MultipleFinalAnswers from any copy of core. */
  static isInstance(value: unknown): value is MultipleFinalAnswers {
    return hasCode(value, 'multiple_final_answers');
  }
}

/** The model's final answer could not be accepted (unparseable or failing validation). */
export class InvalidFinalAnswer extends TinyAgentError {
  readonly rawContent: string;
  readonly validationError: string;

  constructor(rawContent: string, validationError: string, options?: ErrorOptions) {
    super('invalid_final_answer', `The final answer is invalid: ${validationError}`, options);
    this.rawContent = rawContent;
    this.validationError = validationError;
  }

  /** True when `value` is an InvalidFinalAnswer from any copy of core. */
  static isInstance(value: unknown): value is InvalidFinalAnswer {
    return hasCode(value, 'invalid_final_answer');
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

  constructor(toolName: string, issues: readonly ToolInputIssue[], options?: ErrorOptions) {
    super('tool_input', formatToolInputMessage(toolName, issues), options);
    this.toolName = toolName;
    this.issues = issues;
  }

  /** True when `value` is a ToolInputError from any copy of core. */
  static isInstance(value: unknown): value is ToolInputError {
    return hasCode(value, 'tool_input');
  }
}

function formatToolInputMessage(toolName: string, issues: readonly ToolInputIssue[]): string {
  const details = issues.map((issue) => {
    const where = issue.path.length === 0 ? '(arguments)' : formatPath(issue.path);
    return `${where}: ${issue.message}`;
  });
  return `Invalid arguments for tool '${toolName}': ${details.join('; ')}`;
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

/** A tool threw (or timed out) while running; the original error is the `cause`. */
export class ToolExecutionError extends TinyAgentError {
  readonly toolName: string;

  constructor(toolName: string, message: string, options?: ErrorOptions) {
    super('tool_execution', `Tool '${toolName}' failed: ${message}`, options);
    this.toolName = toolName;
  }

  /** True when `value` is a ToolExecutionError from any copy of core. */
  static isInstance(value: unknown): value is ToolExecutionError {
    return hasCode(value, 'tool_execution');
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
    details: { status?: number | undefined; retryable: boolean; requestId?: string | undefined },
    options?: ErrorOptions,
  ) {
    super('model_call', message, options);
    this.status = details.status;
    this.retryable = details.retryable;
    this.requestId = details.requestId;
  }

  /** True when `value` is a ModelCallError from any copy of core. */
  static isInstance(value: unknown): value is ModelCallError {
    return hasCode(value, 'model_call');
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

  constructor(message: string, details: { reason: ModelRefusalReason; refusal?: string | undefined }) {
    super('model_refusal', message);
    this.reason = details.reason;
    this.refusal = details.refusal;
  }

  /** True when `value` is a ModelRefusalError from any copy of core. */
  static isInstance(value: unknown): value is ModelRefusalError {
    return hasCode(value, 'model_refusal');
  }
}

/** The library is set up wrongly (missing key, bad option); the message says what to change. */
export class ConfigurationError extends TinyAgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('configuration', message, options);
  }

  /** True when `value` is a ConfigurationError from any copy of core. */
  static isInstance(value: unknown): value is ConfigurationError {
    return hasCode(value, 'configuration');
  }
}

/** A prompt file could not be used: missing, a directory, an unsupported extension or not UTF-8. */
export class PromptFileError extends TinyAgentError {
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super('prompt_file', message, options);
    this.path = path;
  }

  /** True when `value` is a PromptFileError from any copy of core. */
  static isInstance(value: unknown): value is PromptFileError {
    return hasCode(value, 'prompt_file');
  }
}

/** A tool registry was misused: duplicate name, mutation after freeze. */
export class ToolRegistryError extends TinyAgentError {
  constructor(message: string) {
    super('registry', message);
  }

  /** True when `value` is a ToolRegistryError from any copy of core. */
  static isInstance(value: unknown): value is ToolRegistryError {
    return hasCode(value, 'registry');
  }
}

/** A run was cancelled through its signal, or ran past its `timeoutMs`; `cause` holds the abort reason. */
export class RunAbortedError extends TinyAgentError {
  /** True when the run's own `timeoutMs` ended it, false when its signal was aborted. */
  readonly timedOut: boolean;

  constructor(message: string, options: { timedOut: boolean; cause?: unknown }) {
    super('run_aborted', message, { cause: options.cause });
    this.timedOut = options.timedOut;
  }

  /** True when `value` is a RunAbortedError from any copy of core. */
  static isInstance(value: unknown): value is RunAbortedError {
    return hasCode(value, 'run_aborted');
  }
}
