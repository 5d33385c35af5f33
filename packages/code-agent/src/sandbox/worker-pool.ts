import { MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { SandboxError } from './sandbox-error.ts';
import { CONTROL, CONTROL_LENGTH } from './worker-protocol.ts';
import type { HostMessage, ToolReply, WorkerMessage, WorkerSetup } from './worker-protocol.ts';

// From the TypeScript sources (tests, the demo) the worker is the .ts file, which Node 24 runs by
// stripping its types; from the published build it is the .js file next to this one.
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './sandbox-worker.ts' : './sandbox-worker.js',
  import.meta.url,
);

/** Idle workers kept for the next runs; more are stopped when they come back. */
const MAX_IDLE_WORKERS = 2;

// A 1 MiB QuickJS stack needs about 64 MB of thread stack before V8's own limit is reached (measured);
// QuickJS then reports "stack overflow" as a catchable error instead of the host failing mid-call.
const WORKER_STACK_MB = 64;

/** A worker thread that hosts sandboxes, seen from the main thread. */
export class SandboxWorker {
  readonly #worker: Worker;
  readonly #control: Int32Array;
  readonly #toolPort: MessagePort;
  readonly #ready: Promise<void>;
  #listener: ((message: WorkerMessage) => void) | undefined;
  #deathListener: ((error: SandboxError) => void) | undefined;
  #death: SandboxError | undefined;
  #holds = 0;

  constructor() {
    const control = new SharedArrayBuffer(CONTROL_LENGTH * Int32Array.BYTES_PER_ELEMENT);
    const { port1, port2 } = new MessageChannel();
    const setup: WorkerSetup = { control, toolPort: port2 };
    this.#control = new Int32Array(control);
    this.#toolPort = port1;
    this.#worker = new Worker(WORKER_URL, {
      name: 'tinyagent-sandbox',
      workerData: setup,
      transferList: [port2],
      execArgv: [],
      // The model's code never sees the environment, and neither does the thread around it.
      env: {},
      resourceLimits: { stackSizeMb: WORKER_STACK_MB, maxOldGenerationSizeMb: 256 },
    });
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#listener = (message) => {
        if (message.type === 'ready') resolve();
      };
      this.#deathListener = reject;
    });
    // Observed here so that a worker dying before anyone awaits it is no unhandled rejection.
    this.#ready.catch(() => undefined);
    this.#worker.on('message', (message: WorkerMessage) => this.#listener?.(message));
    this.#worker.on('error', (error: Error) => this.#die(`it threw ${error.name}: ${error.message}`, error));
    this.#worker.on('exit', (code) => this.#die(`it exited with code ${code}`));
    this.#worker.unref();
  }

  /** Resolves once the worker has compiled QuickJS; rejects with a SandboxError if it dies first. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** The error the worker died of, or undefined while it lives. */
  get death(): SandboxError | undefined {
    return this.#death;
  }

  /** Routes the worker's messages and its death to one owner at a time. */
  attach(listener: (message: WorkerMessage) => void, onDeath: (error: SandboxError) => void): void {
    this.#listener = listener;
    this.#deathListener = onDeath;
  }

  detach(): void {
    this.#listener = undefined;
    this.#deathListener = undefined;
  }

  post(message: HostMessage): void {
    this.#worker.postMessage(message);
  }

  /** Hands a tool result to the worker blocked in Atomics.wait, then wakes it. */
  replyToTool(reply: ToolReply): void {
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
    this.#holds += 1;
    if (this.#holds === 1) this.#worker.ref();
  }

  unhold(): void {
    this.#holds = Math.max(0, this.#holds - 1);
    if (this.#holds === 0) this.#worker.unref();
  }

  terminate(reason: string): void {
    this.#die(reason);
    void this.#worker.terminate();
  }

  #die(reason: string, cause?: unknown): void {
    if (this.#death !== undefined) return;
    this.#death = new SandboxError(`The sandbox worker stopped: ${reason}.`, { cause });
    this.#toolPort.close();
    const onDeath = this.#deathListener;
    this.detach();
    removeIdle(this);
    onDeath?.(this.#death);
  }
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
