import { abortReason, whenAborted } from '../abort.ts';
import { ToolExecutionError, ToolInputError } from '../errors.ts';
import { isThenable } from '../listeners.ts';
import { redactSecrets } from '../secrets.ts';
import { createRunScope } from './run-scope.ts';
import { describeThrown, stringifyResult } from './stringify.ts';
import type { Tool, ToolContext, ToolRunOptions } from './tool-types.ts';

// One call of a tool once its arguments are checked: its deadline, the caller's abort, the tool's
// signal and context, and how it settles.

/** Options of `callTool`: those of `Tool.run`, and the code sandbox's demand for a synchronous result. */
export interface CallToolOptions extends ToolRunOptions {
  /** Fail the call when `execute` returns a promise: the code sandbox can only wait for a value. */
  syncOnly?: boolean | undefined;
  /** The id of the call in its run, for the tool's context. */
  toolCallId?: string | undefined;
}

// Under a registered symbol: a context made by another copy of core.
const mayAbortKey = Symbol.for('@tinyagent/core/tool.mayAbort');

/**
 * False when nothing can abort the call this context belongs to (no caller's signal, and no deadline
 * of core's: none set, or a tool that keeps its own): its `signal` will never abort, so the tool need
 * not listen to it. True for a context core did not make.
 */
export function mayAbort(context: ToolContext): boolean {
  return (context as { [mayAbortKey]?: boolean })[mayAbortKey] !== false;
}

// One promise per call, settled by whichever comes first: the tool, its deadline or the caller's
// abort. Every model turn runs through here, so it builds no race of promises, and the call's state
// is one object whose methods do what closures per call would; a tool that loses keeps running
// (nothing can stop a function) but is observed, so its late rejection is never unhandled.
export function invoke(
  tool: Tool,
  args: unknown,
  options: CallToolOptions,
  asText: boolean,
  keepsDeadline: boolean,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    new PendingCall(tool.name, options.signal, asText, resolve, reject).start(tool, args, options, keepsDeadline);
  });
}

class PendingCall {
  readonly #name: string;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #asText: boolean;
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (reason: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #onCallerAbort: (() => void) | undefined;
  #waiters: Set<() => void> | undefined;
  readonly #controller = new AbortController();

  constructor(
    name: string,
    callerSignal: AbortSignal | undefined,
    asText: boolean,
    resolve: (value: unknown) => void,
    reject: (reason: unknown) => void,
  ) {
    this.#name = name;
    this.#callerSignal = callerSignal;
    this.#asText = asText;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  start(tool: Tool, args: unknown, options: CallToolOptions, keepsDeadline: boolean): void {
    const callerSignal = this.#callerSignal;
    if (callerSignal !== undefined) {
      const onAbort = (): void => this.#stop(abortReason(callerSignal));
      this.#onCallerAbort = onAbort;
      this.#waiters = whenAborted(callerSignal, onAbort);
    }
    // The tool's own deadline wins: its author knows how long it may take. A tool that keeps its
    // own (an MCP request's timeout) settles by it without a second timer here.
    const timeoutMs = tool.timeoutMs ?? options.defaultTimeoutMs;
    if (timeoutMs !== undefined && !(keepsDeadline && tool.timeoutMs !== undefined))
      this.#timer = setTimeout(timeUp, timeoutMs, this, timeoutMs);
    let value: unknown;
    try {
      value = tool.execute(args, this.#context(options, callerSignal !== undefined || this.#timer !== undefined));
    } catch (error) {
      // A tool that throws fails like one that rejects.
      this.fail(error);
      return;
    }
    if (!isThenable(value)) {
      this.succeed(value);
    } else if (options.syncOnly === true) {
      // Nobody will await it: observe it so that its rejection is not reported as unhandled.
      Promise.resolve(value).catch(() => undefined);
      this.fail(executionError(this.#name, ASYNC_RESULT_REASON));
    } else {
      // Promise.resolve: a foreign thenable's `then` may throw or call back twice; a promise's cannot.
      Promise.resolve(value).then(
        (result) => this.succeed(result),
        (error: unknown) => this.fail(error),
      );
    }
  }

  #context(options: CallToolOptions, mayAbort: boolean): ToolContext {
    const context: ToolContext & { [mayAbortKey]?: boolean } = {
      signal: this.#controller.signal,
      run: options.run ?? createRunScope(),
      [mayAbortKey]: mayAbort,
    };
    if (options.toolCallId !== undefined) context.toolCallId = options.toolCallId;
    return context;
  }

  #settle(): void {
    clearTimeout(this.#timer);
    if (this.#onCallerAbort !== undefined) this.#waiters?.delete(this.#onCallerAbort);
  }

  // The deadline or the caller's abort: the call fails now, and the tool is told through its signal.
  #stop(reason: unknown): void {
    this.#settle();
    this.#controller.abort(reason);
    this.#reject(reason);
  }

  timeUp(timeoutMs: number): void {
    this.#stop(toolTimeoutError(this.#name, timeoutMs));
  }

  succeed(value: unknown): void {
    this.#settle();
    if (!this.#asText) {
      this.#resolve(value);
      return;
    }
    let text: string;
    try {
      text = redactSecrets(stringifyResult(value));
    } catch (error) {
      // A value whose toJSON and inspect both throw: the call fails with that error.
      this.#reject(error);
      return;
    }
    this.#resolve(text);
  }

  fail(error: unknown): void {
    this.#settle();
    const callerSignal = this.#callerSignal;
    if (callerSignal?.aborted === true) this.#reject(abortReason(callerSignal));
    else if (ToolExecutionError.isInstance(error) || ToolInputError.isInstance(error)) this.#reject(error);
    else this.#reject(executionError(this.#name, redactSecrets(describeThrown(error)), error));
  }
}

/**
 * The error of a tool call past its deadline: core's, and the one a tool that keeps its own deadline
 * (`deadlineKeepingTool`) must fail with, so that both read the same to the model and the events.
 */
export function toolTimeoutError(toolName: string, timeoutMs: number): ToolExecutionError {
  return new ToolExecutionError(ToolExecutionError.describe(toolName, `timed out after ${timeoutMs} ms`), {
    toolName,
    timedOut: true,
  });
}

// A module function, so that arming a deadline allocates no closure.
function timeUp(call: PendingCall, timeoutMs: number): void {
  call.timeUp(timeoutMs);
}

const ASYNC_RESULT_REASON =
  'its execute returned a Promise, but tools run synchronously in the code sandbox (a function that returns ' +
  "a Promise without being declared async cannot be detected when the agent is built). Make the tool's " +
  'execute synchronous, or use ReactAgent for async tools.';

function executionError(toolName: string, reason: string, cause?: unknown): ToolExecutionError {
  const message = ToolExecutionError.describe(toolName, reason);
  return new ToolExecutionError(message, cause === undefined ? { toolName } : { toolName, cause });
}
