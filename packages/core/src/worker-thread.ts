// The main-thread side of a worker thread, shared by TinyAgent's pools (the code agent's sandbox
// workers, web_browse's conversion threads) because the details are easy to get subtly wrong: an
// 'error' is followed by an 'exit', a ready promise nobody awaits rejects unhandled, a ref'd idle
// thread keeps the process alive. Only the public node:worker_threads API is used.
import { Worker } from 'node:worker_threads';
import type { ResourceLimits, Transferable } from 'node:worker_threads';

/** How a worker thread ended: it threw, it exited by itself, or its owner terminated it. */
export type WorkerThreadEnd =
  { kind: 'error'; error: Error } | { kind: 'exit'; code: number } | { kind: 'terminated'; reason: string };

/**
 * The URL of the worker script `baseName` next to the module at `moduleUrl` (pass `import.meta.url`).
 * From the TypeScript sources (tests, the demo) the script is the `.ts` file, which Node runs by
 * stripping its types; from a published build it is the `.js` file beside the compiled module.
 */
export function siblingScriptUrl(moduleUrl: string, baseName: string): URL {
  return new URL(`./${baseName}${moduleUrl.endsWith('.ts') ? '.ts' : '.js'}`, moduleUrl);
}

/** Options of `createIsolatedWorker`. */
export interface IsolatedWorkerOptions {
  /** The thread's name, as debuggers and heap snapshots show it. */
  name: string;
  resourceLimits?: ResourceLimits;
  workerData?: unknown;
  transferList?: Transferable[];
}

/**
 * Starts a worker thread that inherits neither the process's environment variables nor its Node
 * flags. An empty `env` keeps keys away from code that has no use for them; an empty `execArgv`
 * means the thread resolves packages without the `@tinyagent/source` condition, so a worker script
 * must import nothing from `@tinyagent/*`.
 */
export function createIsolatedWorker(script: URL, options: IsolatedWorkerOptions): Worker {
  return new Worker(script, { ...options, execArgv: [], env: {} });
}

/** Options of `new WorkerThread`. */
export interface WorkerThreadOptions<Incoming, Failure extends Error = Error> {
  /** The started thread: `createIsolatedWorker(...)`, or any `Worker` (tests start misbehaving ones). */
  worker: Worker;
  /** Turns how the thread ended into the error its owner reports (a `SandboxError`, say). */
  toError: (end: WorkerThreadEnd) => Failure;
  /** Receives the thread's messages until it ends; the ready message is not passed on. */
  onMessage: (message: Incoming) => void;
  /** Called exactly once when the thread ends, however it ends, with the error `toError` made. */
  onEnd: (error: Failure) => void;
  /** Which message says the thread is ready; without it, the thread is ready once it runs. */
  isReady?: (message: Incoming) => boolean;
}

/**
 * One worker thread seen from the main thread. It reports its end once (a crash, an exit, or
 * `terminate`), drops messages that arrive after it, and never keeps the process alive unless
 * `hold` says work is in flight.
 */
export class WorkerThread<Incoming, Outgoing, Failure extends Error = Error> {
  readonly #worker: Worker;
  readonly #toError: (end: WorkerThreadEnd) => Failure;
  readonly #onEnd: (error: Failure) => void;
  readonly #ready: Promise<void>;
  #markReady: () => void = () => undefined;
  #failReady: (error: Failure) => void = () => undefined;
  #error: Failure | undefined;
  #holds = 0;

  constructor(options: WorkerThreadOptions<Incoming, Failure>) {
    const { worker, isReady, onMessage } = options;
    this.#worker = worker;
    this.#toError = options.toError;
    this.#onEnd = options.onEnd;
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#markReady = resolve;
      this.#failReady = reject;
    });
    // Observed here so that a thread dying before anyone awaits it is no unhandled rejection.
    this.#ready.catch(() => undefined);
    if (isReady === undefined) worker.once('online', () => this.#markReady());
    worker.on('message', (message: Incoming) => {
      if (this.#error !== undefined) return;
      if (isReady?.(message) === true) this.#markReady();
      else onMessage(message);
    });
    worker.on('error', (error: Error) => this.#end({ kind: 'error', error }));
    worker.on('exit', (code: number) => this.#end({ kind: 'exit', code }));
    worker.unref();
  }

  /** Resolves once the thread is ready; rejects with its error if it ends first. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** The error the thread ended with, or undefined while it runs. */
  get error(): Failure | undefined {
    return this.#error;
  }

  /** Sends a message to the thread, moving the `transferList` objects (ports) to it; ignored once it has ended. */
  post(message: Outgoing, transferList?: readonly Transferable[]): void {
    if (this.#error !== undefined) return;
    this.#worker.postMessage(message, transferList);
  }

  /** Marks work in flight: the process stays alive until as many `release` calls have come. */
  hold(): void {
    this.#holds += 1;
    if (this.#holds === 1) this.#worker.ref();
  }

  /** Ends one `hold`; with none left, the idle thread no longer keeps the process alive. */
  release(): void {
    this.#holds = Math.max(0, this.#holds - 1);
    if (this.#holds === 0) this.#worker.unref();
  }

  /**
   * Stops the thread at once, wherever it is (even inside a loop that never yields). The end,
   * `{ kind: 'terminated', reason }`, is reported synchronously, before this returns.
   */
  terminate(reason: string): void {
    this.#end({ kind: 'terminated', reason });
    // terminate() resolves with the exit code and does not reject; the 'exit' event that follows is ignored.
    void this.#worker.terminate();
  }

  #end(end: WorkerThreadEnd): void {
    if (this.#error !== undefined) return;
    const error = this.#toError(end);
    this.#error = error;
    this.#failReady(error);
    this.#onEnd(error);
  }
}
