import type { AgentEvent } from './agent-events.ts';
import { RunAbortedError } from '../errors.ts';

/**
 * How many events may wait unread in a run's event stream before a streaming model call stops
 * reading its reply until the consumer catches up. Events other than deltas never wait (the run
 * emits them at the pace of its steps); so the queue holds at most this many events, plus the
 * deltas of the one piece the model is reading and the few events a step emits around its model call.
 */
export const MAX_UNREAD_EVENTS = 256;

/** Starts a run with its listener, its signal and its `backpressure` (see streamRunEvents). */
export type StartRun<Event> = (
  listener: (event: Event) => void,
  signal: AbortSignal,
  backpressure: () => Promise<void> | undefined,
) => Promise<unknown>;

/**
 * Turns a run into an async iterable of its events, ending with `run-end`. The run starts at the
 * first `next()`. A consumer that stops early (`break`, or `return()` while a `next()` still waits)
 * aborts the run and waits for it to settle, so nothing is left running. Rejects only when the run
 * cannot start (bad options). `start` gets the listener, the run's signal, and `backpressure`: a
 * promise while MAX_UNREAD_EVENTS or more events wait unread, settled when the consumer has read
 * below that or the run is aborted.
 */
export function streamRunEvents<Event = AgentEvent>(
  start: StartRun<Event>,
  signal?: AbortSignal,
): AsyncGenerator<Event, void, undefined> {
  return new RunEventStream(start, signal);
}

function closedStream(): RunAbortedError {
  return new RunAbortedError('The run was aborted: its event stream was closed.', { timedOut: false });
}

type Waiter<Event> = {
  resolve: (result: IteratorResult<Event, void>) => void;
  reject: (error: unknown) => void;
};

// A hand-written iterator rather than an async generator: a streamed reply is thousands of events,
// and a generator's yield costs each of them several promise hops where a queued event here costs
// one resolved promise, and an awaited one none beyond the consumer's own.
class RunEventStream<Event> implements AsyncGenerator<Event, void, undefined> {
  readonly #start: StartRun<Event>;
  readonly #signal: AbortSignal | undefined;
  readonly #controller = new AbortController();
  #stop: AbortSignal | undefined;
  // Events emitted and not yet read: `#queue` from `#head` on.
  #queue: Event[] = [];
  #head = 0;
  // next() calls waiting for an event (more than one only when a caller does not await each).
  readonly #waiters: Waiter<Event>[] = [];
  #running: Promise<void> | undefined;
  #settled = false;
  #failure: { error: unknown } | undefined;
  // True once the consumer was told the stream ended (or failed): every later next() is done.
  #finished = false;
  // The promise a streaming model waits on while too many events wait unread.
  #room: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(start: StartRun<Event>, signal: AbortSignal | undefined) {
    this.#start = start;
    this.#signal = signal;
  }

  next(): Promise<IteratorResult<Event, void>> {
    if (this.#running === undefined && !this.#finished) this.#begin();
    if (this.#head < this.#queue.length) return Promise.resolve({ value: this.#take(), done: false });
    if (this.#settled || this.#finished) return this.#end();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  // An iterator's return() may come while a next() still waits for an event, which may be a long
  // tool call away (a server whose client went away asks exactly then): the abort goes out first,
  // so the run winds down, and both settle once it has.
  async return(): Promise<IteratorResult<Event, void>> {
    await this.#close();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<Event, void>> {
    await this.#close();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#close();
  }

  #begin(): void {
    const signal = this.#signal;
    const stop = signal === undefined ? this.#controller.signal : AbortSignal.any([signal, this.#controller.signal]);
    this.#stop = stop;
    stop.addEventListener('abort', this.#makeRoom, { once: true });
    let started: Promise<unknown>;
    try {
      started = this.#start(this.#push, stop, this.#backpressure);
    } catch (error) {
      // Bad options may throw before the run's promise exists: the consumer's next() rejects alike.
      started = Promise.reject(error);
    }
    this.#running = started.then(
      () => this.#settle(undefined),
      (error: unknown) => this.#settle({ error }),
    );
  }

  readonly #push = (event: Event): void => {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve({ value: event, done: false });
    else this.#queue.push(event);
  };

  readonly #backpressure = (): Promise<void> | undefined => {
    if (this.#queue.length - this.#head < MAX_UNREAD_EVENTS || this.#stop?.aborted === true) return undefined;
    if (this.#room === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.#room = { promise, resolve };
    }
    return this.#room.promise;
  };

  readonly #makeRoom = (): void => {
    this.#room?.resolve();
    this.#room = undefined;
  };

  #take(): Event {
    const event = this.#queue[this.#head] as Event;
    this.#head += 1;
    // Read through: start over, so the queue never holds what was read (O(1) per event).
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.#room !== undefined && this.#queue.length - this.#head < MAX_UNREAD_EVENTS) this.#makeRoom();
    return event;
  }

  #settle(failure: { error: unknown } | undefined): void {
    this.#settled = true;
    this.#failure = failure;
    this.#stop?.removeEventListener('abort', this.#makeRoom);
    this.#makeRoom();
    // Only waiters are left when the queue is empty: the run ended, or failed, with nothing unread.
    for (const waiter of this.#waiters.splice(0)) void this.#end().then(waiter.resolve, waiter.reject);
  }

  // The end, once everything emitted was read: the run's failure once (it could not start), then done.
  #end(): Promise<IteratorResult<Event, void>> {
    const failure = this.#finished ? undefined : this.#failure;
    this.#finished = true;
    return failure === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(failure.error);
  }

  async #close(): Promise<void> {
    this.#finished = true;
    if (this.#running === undefined) return;
    if (!this.#settled) this.#controller.abort(closedStream());
    this.#makeRoom();
    await this.#running;
    this.#queue = [];
    this.#head = 0;
  }
}
