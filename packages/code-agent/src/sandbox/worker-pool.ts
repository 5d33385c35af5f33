import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { createIsolatedWorker, siblingScriptUrl, WorkerThread } from '@tinyagent/core/internal';
import type { WorkerThreadEnd } from '@tinyagent/core/internal';
import { SandboxError } from './sandbox-error.ts';
import { CONTROL, CONTROL_LENGTH } from './worker-protocol.ts';
import type { HostMessage, HostReply, WorkerMessage, WorkerSetup } from './worker-protocol.ts';

const WORKER_URL = siblingScriptUrl(import.meta.url, 'sandbox-worker');

/** Idle workers kept for the next runs; more are stopped when they come back. */
const MAX_IDLE_WORKERS = 2;

// A 1 MiB QuickJS stack needs about 64 MB of thread stack before V8's own limit is reached (measured);
// QuickJS then reports "stack overflow" as a catchable error instead of the host failing mid-call.
const WORKER_STACK_MB = 64;

/** A worker thread that hosts sandboxes, seen from the main thread. */
export class SandboxWorker {
  readonly #thread: WorkerThread<WorkerMessage, HostMessage, SandboxError>;
  readonly #control: Int32Array;
  readonly #toolPort: MessagePort;
  #listener: ((message: WorkerMessage) => void) | undefined;
  #deathListener: ((error: SandboxError) => void) | undefined;

  constructor() {
    const control = new SharedArrayBuffer(CONTROL_LENGTH * Int32Array.BYTES_PER_ELEMENT);
    const { port1, port2 } = new MessageChannel();
    const setup: WorkerSetup = { control, toolPort: port2 };
    this.#control = new Int32Array(control);
    this.#toolPort = port1;
    this.#thread = new WorkerThread({
      // An isolated thread: the model's code never sees the environment, and neither does the thread around it.
      worker: createIsolatedWorker(WORKER_URL, {
        name: 'tinyagent-sandbox',
        workerData: setup,
        transferList: [port2],
        resourceLimits: { stackSizeMb: WORKER_STACK_MB, maxOldGenerationSizeMb: 256 },
      }),
      isReady: (message) => message.type === 'ready',
      toError: sandboxStopped,
      onMessage: (message) => this.#listener?.(message),
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

  /** Routes the worker's messages and its death to one owner at a time. */
  attach(listener: (message: WorkerMessage) => void, onDeath: (error: SandboxError) => void): void {
    this.#listener = listener;
    this.#deathListener = onDeath;
  }

  /** Stops routing messages and death to the current owner. */
  detach(): void {
    this.#listener = undefined;
    this.#deathListener = undefined;
  }

  /** Sends a message to the worker; dropped once it died. */
  post(message: HostMessage): void {
    this.#thread.post(message);
  }

  /** Hands a host call its reply (a tool result, a clock reading) and wakes the worker waiting for it. */
  replyToHostCall(reply: HostReply): void {
    this.#toolPort.postMessage(reply);
    Atomics.store(this.#control, CONTROL.toolReply, 1);
    Atomics.notify(this.#control, CONTROL.toolReply);
  }

  /** Asks the worker to stop an execution at the next interrupt check, or at once if it waits on a tool. */
  interrupt(executionId: number): void {
    Atomics.store(this.#control, CONTROL.interrupt, executionId);
    // Raising the reply flag too means a worker that has not reached Atomics.wait yet does not
    // sleep through this wake-up: it finds no reply, checks for the interrupt and stops.
    Atomics.store(this.#control, CONTROL.toolReply, 1);
    Atomics.notify(this.#control, CONTROL.toolReply);
  }

  /** Keeps the process alive while work is in flight; idle workers never do. */
  hold(): void {
    this.#thread.hold();
  }

  /** Ends one `hold`. */
  unhold(): void {
    this.#thread.release();
  }

  /** Stops the worker at once; its owner hears of it as a SandboxError naming `reason`. */
  terminate(reason: string): void {
    this.#thread.terminate(reason);
  }

  #die(error: SandboxError): void {
    this.#toolPort.close();
    const onDeath = this.#deathListener;
    this.detach();
    removeIdle(this);
    onDeath?.(error);
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

const idleWorkers: SandboxWorker[] = [];

/** Takes an idle worker, or starts one. */
export function leaseWorker(): SandboxWorker {
  for (let worker = idleWorkers.pop(); worker !== undefined; worker = idleWorkers.pop()) {
    if (worker.death === undefined) return worker;
  }
  return new SandboxWorker();
}

/** Gives a worker back for reuse; a dead one, or one past the idle limit, is stopped. */
export function returnWorker(worker: SandboxWorker): void {
  worker.detach();
  if (worker.death !== undefined) return;
  if (idleWorkers.length >= MAX_IDLE_WORKERS) {
    worker.terminate('it was no longer needed');
    return;
  }
  idleWorkers.push(worker);
}

function removeIdle(worker: SandboxWorker): void {
  const index = idleWorkers.indexOf(worker);
  if (index !== -1) idleWorkers.splice(index, 1);
}
