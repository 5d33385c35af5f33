import type { Transferable } from 'node:worker_threads';
import { createIsolatedWorker, siblingScriptUrl, WorkerThread } from '@tinyagent/core/internal';
import type { WorkerThreadEnd } from '@tinyagent/core/internal';
import { SandboxError } from './sandbox-error.ts';
import type { HostMessage, WorkerMessage } from './worker-protocol.ts';

const WORKER_URL = siblingScriptUrl(import.meta.url, 'sandbox-worker');

// A 1 MiB QuickJS stack needs about 64 MB of thread stack before V8's own limit is reached (measured);
// QuickJS then reports "stack overflow" as a catchable error instead of the host failing mid-call.
const WORKER_STACK_MB = 64;
// The thread's own heap: about 0.1 MB of JavaScript per idle sandbox (measured), so a worker holding a
// thousand sandboxes stays far below it. Each sandbox's WebAssembly memory is outside this heap, bounded
// by its own memoryBytes limit.
const WORKER_HEAP_MB = 512;

/**
 * How long a worker may overrun an execution's deadline before it is stopped and replaced (with every
 * sandbox it hosts: nothing else stops a thread stuck outside QuickJS's interrupt checks).
 */
const WATCHDOG_GRACE_MS = 2000;

/** Settings of a pool's workers. */
export interface SandboxWorkerOptions {
  /**
   * Fires the watchdog this long after an execution starts, whatever its deadline. For tests only: a
   * worker still in a loop its deadline would stop much later is, to the main thread, exactly a worker
   * stuck outside QuickJS's interrupt checks.
   */
  watchdogAfterMs?: number | undefined;
}

/** One sandbox hosted on a worker, as the worker routes its messages and its death. */
export interface WorkerGuest {
  onMessage(message: WorkerMessage): void;
  onDeath(error: SandboxError): void;
}

/** A worker thread that hosts many sandboxes, seen from the main thread. */
export class SandboxWorker {
  readonly #thread: WorkerThread<WorkerMessage, HostMessage, SandboxError>;
  readonly #guests = new Map<number, WorkerGuest>();
  readonly #watchdogAfterMs: number | undefined;
  #runawaySandbox: number | undefined;

  constructor(options: SandboxWorkerOptions = {}) {
    this.#watchdogAfterMs = options.watchdogAfterMs;
    this.#thread = new WorkerThread({
      // An isolated thread: the model's code never sees the environment, and neither does the thread around it.
      worker: createIsolatedWorker(WORKER_URL, {
        name: 'tinyagent-sandbox',
        resourceLimits: { stackSizeMb: WORKER_STACK_MB, maxOldGenerationSizeMb: WORKER_HEAP_MB },
      }),
      isReady: (message) => message.type === 'ready',
      toError: sandboxStopped,
      onMessage: (message) => this.#route(message),
      onEnd: (error) => this.#die(error),
    });
  }

  /** Resolves once the worker has compiled QuickJS; rejects with a SandboxError if it dies first. */
  ready(): Promise<void> {
    return this.#thread.ready();
  }

  /** The error the worker died of, or undefined while it lives. */
  get death(): SandboxError | undefined {
    return this.#thread.error;
  }

  /** How many sandboxes live here (or are being created): the pool places new ones on the least loaded. */
  get load(): number {
    return this.#guests.size;
  }

  /** Routes the messages about sandbox `sandboxId`, and the worker's death, to `guest`. */
  attach(sandboxId: number, guest: WorkerGuest): void {
    this.#guests.set(sandboxId, guest);
  }

  /** Stops routing to the sandbox's guest; the sandbox no longer counts toward the load. */
  detach(sandboxId: number): void {
    this.#guests.delete(sandboxId);
  }

  /** Sends a message to the worker, moving the `transferList` ports to it; dropped once it died. */
  post(message: HostMessage, transferList?: readonly Transferable[]): void {
    this.#thread.post(message, transferList);
  }

  /** Keeps the process alive while work is in flight; idle workers never do. */
  hold(): void {
    this.#thread.hold();
  }

  /** Ends one `hold`. */
  unhold(): void {
    this.#thread.release();
  }

  /** Stops the worker at once; every sandbox on it hears of it as a SandboxError naming `reason`. */
  terminate(reason: string): void {
    this.#thread.terminate(reason);
  }

  /** How long after an execution starts its watchdog fires: its deadline plus the grace. */
  watchdogMs(timeoutMs: number): number {
    return this.#watchdogAfterMs ?? timeoutMs + WATCHDOG_GRACE_MS;
  }

  /**
   * Stops the worker because an execution of sandbox `sandboxId` overran its deadline and would not
   * stop; the other sandboxes learn (from `runawaySandbox`) that it was none of their doing.
   */
  stopRunaway(sandboxId: number): void {
    this.#runawaySandbox = sandboxId;
    this.#thread.terminate(`an execution ran ${WATCHDOG_GRACE_MS} ms past its deadline without stopping`);
  }

  /** The sandbox whose runaway execution got this worker stopped, when that is how it died. */
  get runawaySandbox(): number | undefined {
    return this.#runawaySandbox;
  }

  #route(message: WorkerMessage): void {
    if (message.type === 'ready') return;
    this.#guests.get(message.sandboxId)?.onMessage(message);
  }

  #die(error: SandboxError): void {
    const guests = [...this.#guests.values()];
    this.#guests.clear();
    for (const guest of guests) guest.onDeath(error);
  }
}

function sandboxStopped(end: WorkerThreadEnd): SandboxError {
  if (end.kind === 'error') {
    const { error } = end;
    return new SandboxError(`The sandbox worker stopped: it threw ${error.name}: ${error.message}.`, { cause: error });
  }
  const reason = end.kind === 'exit' ? `it exited with code ${end.code}` : end.reason;
  return new SandboxError(`The sandbox worker stopped: ${reason}.`);
}
