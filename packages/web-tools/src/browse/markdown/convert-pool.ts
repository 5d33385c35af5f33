// Runs HTML-to-markdown conversions on worker threads. On the main thread a 5 MiB page of tiny
// elements took 13 s, during which every other agent run in the process stood still, deaf even to
// its abort signal. Here a conversion stalls no one, an abort settles at once (the thread doing the
// abandoned work is stopped), and a page that exhausts the thread's memory fails alone.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { abortReason } from '@tinyagent/core/internal';
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

// From the TypeScript sources (tests, the demo) the worker is the .ts file, which Node 24 runs by
// stripping its types; from the published build it is the .js file next to this one.
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './convert-worker.ts' : './convert-worker.js',
  import.meta.url,
);

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
  worker: Worker;
  job: Job | undefined;
}

/** Options of a ConversionPool; tests use `spawn` to start threads that misbehave. */
export interface ConversionPoolOptions {
  maxThreads?: number;
  spawn?: () => Worker;
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
        new Worker(WORKER_URL, {
          name: 'tinyagent-web-convert',
          execArgv: [],
          env: {},
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
      thread.worker.ref();
      thread.worker.postMessage(job.request);
    }
  }

  #start(): Thread | undefined {
    if (this.#threads.size >= this.#maxThreads) return undefined;
    const thread: Thread = { worker: this.#spawn(), job: undefined };
    this.#threads.add(thread);
    thread.worker.unref();
    thread.worker.on('message', (reply: ConvertReply) => {
      const { job } = thread;
      if (job?.request.id !== reply.id) return;
      thread.job = undefined;
      thread.worker.unref();
      job.signal?.removeEventListener('abort', job.onAbort);
      if (reply.ok) job.resolve(reply.page);
      else job.reject(new Error(reply.message));
      this.#pump();
    });
    thread.worker.on('error', (error: Error) => this.#lost(thread, `it failed: ${error.message}`));
    thread.worker.on('exit', (code) => this.#lost(thread, `it exited with code ${code}`));
    return thread;
  }

  // A thread died (out of memory, a crash): its conversion fails, the next one gets a new thread.
  #lost(thread: Thread, how: string): void {
    if (!this.#threads.delete(thread)) return;
    if (thread.job !== undefined) this.#fail(thread.job, new Error(`the converting thread stopped (${how})`));
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
    void thread.worker.terminate();
    this.#pump();
  }

  #fail(job: Job, reason: unknown): void {
    job.signal?.removeEventListener('abort', job.onAbort);
    job.reject(reason);
  }
}

let shared: ConversionPool | undefined;

/** The pool every web_browse tool of the process shares. */
export function sharedConversionPool(): ConversionPool {
  shared ??= new ConversionPool();
  return shared;
}
