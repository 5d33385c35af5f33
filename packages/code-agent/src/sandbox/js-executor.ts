import { ConfigurationError, createRunScope } from '@tinyagent/core';
import {
  checkOptionKeys,
  directStepRunner,
  invokeTool,
  raceAbort,
  standaloneInvocation,
} from '@tinyagent/core/internal';
import type { EventInput, RunScope, Tool, ToolEndEvent } from '@tinyagent/core';
import { toExecutionResult } from './execution-result.ts';
import type { ExecutionResult } from './execution-result.ts';
import { createClockReader, takeSeed } from './execution-inputs.ts';
import type { RunStep } from './execution-inputs.ts';
import { resolveLimits } from './sandbox-limits.ts';
import type { ResolvedLimits, SandboxLimits } from './sandbox-limits.ts';
import { resolvePool } from './sandbox-pool.ts';
import type { SandboxPool } from './sandbox-pool.ts';
import { moveOnce } from './runaway-neighbour.ts';
import type { MoveBudget } from './runaway-neighbour.ts';
import { SandboxSession } from './sandbox-session.ts';
import type { ExecuteRequest } from './sandbox-session.ts';
import { checkSandboxTools } from './sandbox-tools.ts';
import { answerToolCall } from './tool-bridge.ts';
import type { InvokeTool, SandboxToolEnd, SandboxToolStart } from './tool-bridge.ts';

const OUTSIDE_A_RUN =
  'a JsExecutor used on its own has nobody to approve tool calls; run the code in TinyCodeAgent, whose runs pause for approval';

/** Options of `new JsExecutor`. */
export interface JsExecutorOptions {
  /** Synchronous tools the code may call as functions, each with one object of named arguments. */
  tools?: readonly Tool[] | undefined;
  limits?: SandboxLimits | undefined;
  /** The worker threads that host the sandbox (`createSandboxPool`); default: the process's shared pool. */
  pool?: SandboxPool | undefined;
}

const OPTION_KEYS = Object.keys({ tools: true, limits: true, pool: true } satisfies Record<
  keyof JsExecutorOptions,
  true
>);

/** Options of one `JsExecutor.run`. */
export interface ExecutionOptions {
  /** Stops the running code; `run` then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Strip TypeScript types before running. */
  typescript?: boolean | undefined;
  /** The run scope tools receive (ToolContext.run); the executor has one of its own otherwise. */
  run?: RunScope | undefined;
  onToolStart?: ((event: SandboxToolStart) => void) | undefined;
  onToolEnd?: ((event: SandboxToolEnd) => void) | undefined;
  /**
   * Runs each tool call of the code; TinyCodeAgent passes its run's, so that calls take the run's
   * tool path (events, step seam). Default: core's tool path with this executor's tools, reporting
   * to onToolStart and onToolEnd. When given, onToolStart and onToolEnd are not called.
   */
  invokeTool?: InvokeTool | undefined;
  /**
   * Takes the execution's nondeterministic inputs through a step seam, so that a replay reproduces
   * them: its Math.random seed (`code/seed`, once before the code runs) and each clock reading of
   * Date.now(), new Date() and Date() (`code/clock/1`, `code/clock/2`, …, one round trip to the main
   * thread each). TinyCodeAgent passes its run's `runStep`. Default: fresh randomness and the worker's
   * own clock. A step that rejects stops the execution, and `run` rejects with its error.
   */
  runStep?: RunStep | undefined;
}

const EXECUTION_OPTION_KEYS = Object.keys({
  signal: true,
  typescript: true,
  run: true,
  onToolStart: true,
  onToolEnd: true,
  invokeTool: true,
  runStep: true,
} satisfies Record<keyof ExecutionOptions, true>);

// A deadline per run is the natural guess; the executor's limits hold it.
const EXECUTION_OPTION_HINTS = {
  timeoutMs:
    "An execution is bounded by the executor's sandbox limit: new JsExecutor({ limits: { timeoutMs } }); stop one run early with signal.",
};

let nextExecutorId = 1;

/**
 * Runs model-written JavaScript in a QuickJS-WebAssembly sandbox on a worker thread. Globals persist
 * from one `run` to the next (a variable of step 1 is there in step 2) until `dispose()`; every
 * executor has a sandbox of its own. The code can call the tools, `final_answer(value)` and
 * `console.log`; nothing of the host is reachable, and values cross as JSON only.
 */
export class JsExecutor implements Disposable {
  /** The limits in force, defaults filled in. */
  readonly limits: Readonly<ResolvedLimits>;
  readonly #tools: ReadonlyMap<string, Tool>;
  readonly #scope: RunScope;
  readonly #pool: ReturnType<typeof resolvePool>;
  readonly #id = nextExecutorId++;
  #session: Promise<SandboxSession> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #executions = 0;
  #disposed = false;
  // Set when the sandbox was lost while idle; the next result reports the reset.
  #stateLost = false;

  /** Checks the options (ConfigurationError); the sandbox itself starts at the first run. */
  constructor(options: JsExecutorOptions = {}) {
    checkOptionKeys(options, OPTION_KEYS, 'JsExecutor');
    this.#pool = resolvePool(options.pool, 'JsExecutor');
    this.#tools = checkSandboxTools(options.tools ?? [], 'JsExecutor');
    this.limits = Object.freeze(resolveLimits(options.limits));
    this.#scope = createRunScope();
  }

  /** The names the code can call. */
  get toolNames(): string[] {
    return [...this.#tools.keys()];
  }

  /**
   * Starts the worker and the sandbox ahead of the first run, so that their start-up overlaps other
   * work (such as the first model call). Safe to call more than once.
   */
  warm(): Promise<void> {
    return this.#openSession().then(() => undefined);
  }

  /**
   * Runs `code` to completion. Errors of the code come back in the result, for the model to read;
   * rejects only when the signal aborts (with its reason), the sandbox itself fails (SandboxError), or
   * the call is a mistake: the executor was disposed, `code` is not a string or an option is unknown
   * (ConfigurationError).
   * Runs on one executor are queued: one at a time.
   */
  run(code: string, options: ExecutionOptions = {}): Promise<ExecutionResult> {
    const result = this.#queue.then(() => this.#execute(code, options));
    this.#queue = result.catch(() => undefined);
    // An abort while the sandbox is still starting, or while an earlier run holds the queue, settles
    // the call at once; the execution then never starts (#execute and the session check the signal).
    return raceAbort(result, options.signal);
  }

  async #execute(code: string, options: ExecutionOptions): Promise<ExecutionResult> {
    if (this.#disposed) throw disposedError();
    // The signature says string, but plain-JavaScript callers are not held to it.
    if (typeof code !== 'string') {
      throw new ConfigurationError(
        `JsExecutor.run needs the code as a string, not ${(code as unknown) === null ? 'null' : typeof code}: pass the source text.`,
      );
    }
    checkOptionKeys(options, EXECUTION_OPTION_KEYS, 'JsExecutor.run', EXECUTION_OPTION_HINTS);
    options.signal?.throwIfAborted();
    const { runStep } = options;
    // Before the session: under DBOS the seed is a step (a real wait), during which a neighbour's runaway
    // code may take the session's worker; opened after it, the session is fresh. No step runs in between,
    // so a replay still meets the steps in their recorded order.
    const seed = await takeSeed(runStep);
    const move: MoveBudget = { used: false };
    const session = await this.#openSession().catch((error: unknown) =>
      moveOnce(move, error, () => this.#openSession()),
    );
    const started = performance.now();
    const invoke = options.invokeTool ?? this.#ownToolPath(options);
    // A host call that fails for good (a step runner that throws, a replay that diverged) must end the
    // execution with its error, not leave the code to catch it and carry on: the session rejects with
    // this signal's reason.
    const failure = new AbortController();
    const stop = (reason: unknown): void => failure.abort(reason);
    const signal = options.signal === undefined ? failure.signal : AbortSignal.any([options.signal, failure.signal]);
    const request: ExecuteRequest = {
      code,
      typescript: options.typescript === true,
      signal,
      seed,
      onToolCall: (call) => answerToolCall(this.#tools, call, invoke, stop),
      onClockRead: runStep === undefined ? undefined : createClockReader(runStep, stop),
    };
    // Moved, the execution keeps its request: the same seed, so a replay still matches.
    const outcome = await session
      .execute(request)
      .catch((error: unknown) => moveOnce(move, error, async () => (await this.#openSession()).execute(request)));
    const lost = this.#stateLost;
    this.#stateLost = false;
    const reported = lost && outcome.reset === undefined ? { ...outcome, reset: 'crash' as const } : outcome;
    return toExecutionResult(reported, this.limits, performance.now() - started);
  }

  // Outside an agent run: core's tool path over this executor's tools, its events turned into the hooks.
  #ownToolPath(options: ExecutionOptions): InvokeTool {
    const prefix = `code-${this.#id}-${++this.#executions}`;
    const started = new Map<string, unknown>();
    const context = standaloneInvocation(
      {
        tools: this.#tools,
        cancelSignal: options.signal,
        scope: options.run ?? this.#scope,
        toolTimeoutMs: undefined,
        stepRunner: directStepRunner,
        emitCore: (event) => {
          if (event.type === 'tool-start') {
            started.set(event.toolCallId, event.arguments);
            options.onToolStart?.({
              toolCallId: `${prefix}-${event.toolCallId}`,
              toolName: event.toolName,
              arguments: event.arguments,
            });
          } else if (event.type === 'tool-end') {
            options.onToolEnd?.(toolEnd(event, `${prefix}-${event.toolCallId}`, started.get(event.toolCallId)));
          }
        },
      },
      // Nobody can approve a call outside an agent run: such a call is declined, never let through.
      OUTSIDE_A_RUN,
    );
    return (call, invokeOptions) => invokeTool(context, 0, call, invokeOptions);
  }

  // A session whose worker died is replaced: the code starts again from a fresh sandbox.
  async #openSession(): Promise<SandboxSession> {
    const current = this.#session === undefined ? undefined : await this.#session.catch(() => undefined);
    if (current?.usable === true) return current;
    // Its worker died under it (another sandbox's crash, say) with no result saying so: the next
    // execution's result says that the variables of earlier steps are gone.
    if (current?.lostState === true) this.#stateLost = true;
    if (this.#disposed) throw disposedError();
    // Async, so that a closed pool's refusal arrives as this run's rejection.
    const opening = (async () => SandboxSession.open(this.#pool.place(), this.limits, this.toolNames))();
    this.#session = opening;
    return opening;
  }

  /** Frees the sandbox on its pooled worker; later runs reject with ConfigurationError. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const session = this.#session;
    this.#session = undefined;
    void session?.then(
      (opened) => opened.close(),
      () => undefined,
    );
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

function toolEnd(event: EventInput<ToolEndEvent>, toolCallId: string, args: unknown): SandboxToolEnd {
  return {
    toolCallId,
    toolName: event.toolName,
    arguments: args,
    output: event.output,
    isError: event.isError,
    durationMs: event.durationMs,
    ...(event.error === undefined ? {} : { error: event.error }),
  };
}

// A ConfigurationError, not a SandboxError: the sandbox did not fail, the caller used an executor
// after freeing it, and no retry on this executor can succeed.
function disposedError(): ConfigurationError {
  return new ConfigurationError(
    'This JsExecutor was disposed, so it cannot run code: create a new JsExecutor, or call dispose() only after the last run.',
  );
}
