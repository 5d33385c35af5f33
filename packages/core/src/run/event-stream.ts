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
  const controller = new AbortController();
  const reader = { waiting: false };
  const events = readEvents(start, controller, signal, reader);
  const stream: AsyncGenerator<Event, void, undefined> = {
    next: () => events.next(),
    // An async generator queues return() behind a next() that still waits for an event, which may
    // be a long tool call away (a server whose client went away asks exactly then): the abort goes
    // out first, so the run winds down, the waiting next() settles, and the return follows. After
    // a `break` nothing waits, and the generator's own `finally` aborts the run as always.
    return: (value) => {
      if (reader.waiting) controller.abort(closedStream());
      return events.return(value);
    },
    throw: (error) => events.throw(error),
    [Symbol.asyncIterator]: () => stream,
    [Symbol.asyncDispose]: async () => {
      await stream.return(undefined);
    },
  };
  return stream;
}

function closedStream(): RunAbortedError {
  return new RunAbortedError('The run was aborted: its event stream was closed.', { timedOut: false });
}

async function* readEvents<Event>(
  start: StartRun<Event>,
  controller: AbortController,
  signal: AbortSignal | undefined,
  reader: { waiting: boolean },
): AsyncGenerator<Event, void, undefined> {
  const stop = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
  const queue: Event[] = [];
  // One object, not loose variables: the callbacks below change it between awaits.
  const state: {
    wake?: (() => void) | undefined;
    settled: boolean;
    failure?: { error: unknown };
    // Events emitted and not yet handed to the consumer, and the promise the model waits on meanwhile.
    unread: number;
    room?: { promise: Promise<void>; resolve: () => void } | undefined;
  } = { settled: false, unread: 0 };
  const makeRoom = (): void => {
    state.room?.resolve();
    state.room = undefined;
  };
  stop.addEventListener('abort', makeRoom, { once: true });
  const backpressure = (): Promise<void> | undefined => {
    if (state.unread < MAX_UNREAD_EVENTS || stop.aborted) return undefined;
    if (state.room === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      state.room = { promise, resolve };
    }
    return state.room.promise;
  };
  const running = start(
    (event) => {
      queue.push(event);
      state.unread += 1;
      state.wake?.();
    },
    stop,
    backpressure,
  ).then(
    () => {
      state.settled = true;
      state.wake?.();
    },
    (error: unknown) => {
      state.failure = { error };
      state.settled = true;
      state.wake?.();
    },
  );
  try {
    for (;;) {
      // Taking the whole batch keeps this O(1) per event, unlike shift() on a long queue.
      const batch = queue.splice(0);
      for (const event of batch) {
        state.unread -= 1;
        if (state.room !== undefined && state.unread < MAX_UNREAD_EVENTS) makeRoom();
        yield event;
      }
      if (queue.length > 0) continue;
      if (state.settled) break;
      reader.waiting = true;
      await new Promise<void>((resolve) => (state.wake = resolve));
      reader.waiting = false;
      state.wake = undefined;
    }
    if (state.failure !== undefined) throw state.failure.error;
  } finally {
    if (!state.settled) controller.abort(closedStream());
    makeRoom();
    stop.removeEventListener('abort', makeRoom);
    await running;
  }
}
