// Runs HTML-to-markdown conversions on worker threads. On the main thread a 5 MiB page of tiny
// elements took 13 s, during which every other agent run in the process stood still, deaf even to
// its abort signal. Here a conversion stalls no one, an abort settles at once (the thread doing the
// abandoned work is stopped), and a page that exhausts the thread's memory fails alone.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { abortReason, createIsolatedWorker, siblingScriptUrl, WorkerThread } from '@tinyagent/core/internal';
import type { WorkerThreadEnd } from '@tinyagent/core/internal';
import type { ReadablePage } from './html-to-markdown.ts';
import type { KeepOptions } from './markdown-rules.ts';

/** A conversion sent to a thread. */
export interface ConvertRequest {
  id: number;
  html: string;
  url: string;
  keepImages: boolean;
  keepLinks: boolean;
}

/** A thread's answer: the page, or why converting it failed. */
export type ConvertReply = { id: number; ok: true; page: ReadablePage } | { id: number; ok: false; message: string };

const WORKER_URL = siblingScriptUrl(import.meta.url, 'convert-worker');

// linkedom holds a parsed 5 MiB page of tiny elements in a few hundred MB; past this a thread dies
// alone with ERR_WORKER_OUT_OF_MEMORY instead of taking the process with it.
const WORKER_HEAP_MB = 1024;

interface Job {
  request: ConvertRequest;
  resolve: (page: ReadablePage) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

interface Thread {
  worker: WorkerThread<ConvertReply, ConvertRequest>;
  job: Job | undefined;
}

/** Options of a ConversionPool; tests use `spawn` to start threads that misbehave. */
export interface ConversionPoolOptions {
  maxThreads?: number | undefined;
  spawn?: (() => Worker) | undefined;
}

/** Worker threads converting pages, started when needed; idle ones never keep the process alive. */
export class ConversionPool {
  readonly #maxThreads: number;
  readonly #spawn: () => Worker;
  readonly #threads = new Set<Thread>();
  readonly #queue: Job[] = [];
  #nextId = 0;

  constructor(options: ConversionPoolOptions = {}) {
    this.#maxThreads = options.maxThreads ?? Math.max(1, Math.min(2, availableParallelism()));
    this.#spawn =
      options.spawn ??
      (() =>
        createIsolatedWorker(WORKER_URL, {
          name: 'tinyagent-web-convert',
          resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
        }));
  }

  /** Converts `html` fetched from `url`; rejects with the abort reason when `signal` aborts first. */
  convert(html: string, url: string, keep: KeepOptions, signal?: AbortSignal): Promise<ReadablePage> {
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    return new Promise<ReadablePage>((resolve, reject) => {
      const request = { id: ++this.#nextId, html, url, keepImages: keep.keepImages, keepLinks: keep.keepLinks };
      const job: Job = {
        request,
        resolve,
        reject,
        signal,
        onAbort: () => {
          if (signal !== undefined) this.#abort(job, abortReason(signal));
        },
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Stops every thread; pending conversions fail. */
  close(): void {
    for (const job of this.#queue.splice(0)) this.#fail(job, new Error('the conversion pool was closed'));
    for (const thread of [...this.#threads]) this.#stop(thread, new Error('the conversion pool was closed'));
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const thread = [...this.#threads].find((candidate) => candidate.job === undefined) ?? this.#start();
      const job = thread === undefined ? undefined : this.#queue.shift();
      if (thread === undefined || job === undefined) return;
      thread.job = job;
      // A busy thread keeps the process alive, as the request it stands for would.
      thread.worker.hold();
      thread.worker.post(job.request);
    }
  }

  #start(): Thread | undefined {
    if (this.#threads.size >= this.#maxThreads) return undefined;
    const thread: Thread = {
      worker: new WorkerThread({
        worker: this.#spawn(),
        toError: threadStopped,
        onMessage: (reply) => this.#reply(thread, reply),
        onEnd: (error) => this.#lost(thread, error),
      }),
      job: undefined,
    };
    this.#threads.add(thread);
    return thread;
  }

  #reply(thread: Thread, reply: ConvertReply): void {
    const { job } = thread;
    if (job?.request.id !== reply.id) return;
    thread.job = undefined;
    thread.worker.release();
    job.signal?.removeEventListener('abort', job.onAbort);
    if (reply.ok) job.resolve(reply.page);
    else job.reject(new Error(reply.message));
    this.#pump();
  }

  // A thread died (out of memory, a crash): its conversion fails, the next one gets a new thread.
  #lost(thread: Thread, error: Error): void {
    if (!this.#threads.delete(thread)) return;
    if (thread.job !== undefined) this.#fail(thread.job, error);
    this.#pump();
  }

  #abort(job: Job, reason: unknown): void {
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) this.#queue.splice(queued, 1);
    const thread = [...this.#threads].find((candidate) => candidate.job === job);
    this.#fail(job, reason);
    // Nobody waits for this page any more: stop the thread rather than let it finish.
    if (thread !== undefined) this.#stop(thread, undefined);
  }

  #stop(thread: Thread, reason: Error | undefined): void {
    this.#threads.delete(thread);
    if (thread.job !== undefined && reason !== undefined) this.#fail(thread.job, reason);
    thread.job = undefined;
    thread.worker.terminate('the pool stopped it');
    this.#pump();
  }

  #fail(job: Job, reason: unknown): void {
    job.signal?.removeEventListener('abort', job.onAbort);
    job.reject(reason);
  }
}

// web_browse passes this on to the model, so it says in plain words what became of the thread.
function threadStopped(end: WorkerThreadEnd): Error {
  const how =
    end.kind === 'error'
      ? `it failed: ${end.error.message}`
      : end.kind === 'exit'
        ? `it exited with code ${end.code}`
        : end.reason;
  return new Error(`the converting thread stopped (${how})`, end.kind === 'error' ? { cause: end.error } : {});
}

let shared: ConversionPool | undefined;

/** The pool every web_browse tool of the process shares. */
export function sharedConversionPool(): ConversionPool {
  shared ??= new ConversionPool();
  return shared;
}
