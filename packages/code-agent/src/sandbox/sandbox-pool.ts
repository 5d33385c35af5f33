import { availableParallelism } from 'node:os';
import { ConfigurationError } from '@tinyagent/core';
import { checkOptionKeys } from '@tinyagent/core/internal';
import { SandboxWorker } from './worker-pool.ts';
import type { SandboxWorkerOptions } from './worker-pool.ts';

/** Options of `createSandboxPool`. */
export interface SandboxPoolOptions {
  /** How many worker threads host the sandboxes; default: the machine's available parallelism. */
  workers?: number | undefined;
}

/**
 * A fixed set of worker threads, each hosting many sandboxes (one QuickJS instance each, with its own
 * limits). A new sandbox goes to the worker hosting the fewest; the executions on one worker run one
 * at a time. Every JsExecutor and TinyCodeAgent shares one default pool unless given its own.
 */
export interface SandboxPool {
  /** The most worker threads the pool runs at once. */
  readonly workers: number;
  /** How many sandboxes each started worker hosts now, in the pool's order. */
  loads(): number[];
  /** Stops every worker; the runs still using them end with a SandboxError, and new sandboxes are refused. */
  close(): void;
}

const MAX_WORKERS = 256;

/** The pool itself, as the package's own modules (and tests) see it. */
export class WorkerPool implements SandboxPool {
  readonly workers: number;
  // Started lazily, and a dead worker is replaced by a new one when the next sandbox needs its place.
  readonly #slots: (SandboxWorker | undefined)[];
  readonly #workerOptions: SandboxWorkerOptions;
  #closed = false;

  constructor(workers: number, workerOptions: SandboxWorkerOptions = {}) {
    this.workers = workers;
    this.#workerOptions = workerOptions;
    this.#slots = Array.from({ length: workers }, () => undefined);
  }

  loads(): number[] {
    return this.liveWorkers().map((worker) => worker.load);
  }

  /** The started workers that have not died, in the pool's order. */
  liveWorkers(): SandboxWorker[] {
    return this.#slots.filter((worker): worker is SandboxWorker => worker !== undefined && worker.death === undefined);
  }

  /** The worker a new sandbox goes to: the least loaded, a free or dead place counting as empty. */
  place(): SandboxWorker {
    if (this.#closed) {
      throw new ConfigurationError(
        'This sandbox pool was closed, so it hosts no new sandboxes: close a pool only after its last run, or create a new one.',
      );
    }
    let best = 0;
    let bestLoad = Infinity;
    this.#slots.forEach((worker, index) => {
      const load = worker === undefined || worker.death !== undefined ? 0 : worker.load;
      if (load < bestLoad) [best, bestLoad] = [index, load];
    });
    const current = this.#slots[best];
    if (current !== undefined && current.death === undefined) return current;
    const started = new SandboxWorker(this.#workerOptions);
    this.#slots[best] = started;
    return started;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const worker of this.#slots) worker?.terminate('its sandbox pool was closed');
    this.#slots.fill(undefined);
  }
}

/** Creates a pool of `workers` sandbox worker threads (checked: an integer from 1 to 256). */
export function createSandboxPool(options: SandboxPoolOptions = {}): SandboxPool {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) {
    throw new ConfigurationError('createSandboxPool takes an options object such as { workers: 4 }.');
  }
  checkOptionKeys(options, ['workers'], 'createSandboxPool');
  const workers: unknown = options.workers ?? defaultWorkers();
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new ConfigurationError(
      `createSandboxPool: workers must be an integer from 1 to ${MAX_WORKERS}; got ${String(workers)}. ` +
        `Leave it out for one worker per core (${defaultWorkers()} here).`,
    );
  }
  return new WorkerPool(workers);
}

function defaultWorkers(): number {
  return Math.min(availableParallelism(), MAX_WORKERS);
}

let shared: WorkerPool | undefined;

/**
 * The pool behind `pool`: the one given (it must come from createSandboxPool), or the process's
 * default pool, started on first use. Throws ConfigurationError naming `owner` otherwise.
 */
export function resolvePool(pool: SandboxPool | undefined, owner: string): WorkerPool {
  if (pool === undefined) {
    shared ??= new WorkerPool(defaultWorkers());
    return shared;
  }
  if (!(pool instanceof WorkerPool)) {
    throw new ConfigurationError(`${owner}: pool must be a pool made by createSandboxPool().`);
  }
  return pool;
}
