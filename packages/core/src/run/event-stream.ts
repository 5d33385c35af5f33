import type { AgentEvent } from './agent-events.ts';
import { RunAbortedError } from '../errors.ts';

/**
 * Turns a run into an async iterable of its events, ending with `run-end`. The run starts at the
 * first `next()`. A consumer that stops early (`break`) aborts the run and waits for it to settle,
 * so nothing is left running. Rejects only when the run cannot start (bad options).
 */
export async function* streamRunEvents<Event = AgentEvent>(
  start: (listener: (event: Event) => void, signal: AbortSignal) => Promise<unknown>,
  signal?: AbortSignal,
): AsyncGenerator<Event, void, undefined> {
  const controller = new AbortController();
  const stop = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
  const queue: Event[] = [];
  // One object, not loose variables: the callbacks below change it between awaits.
  const state: { wake?: (() => void) | undefined; settled: boolean; failure?: { error: unknown } } = { settled: false };
  const running = start((event) => {
    queue.push(event);
    state.wake?.();
  }, stop).then(
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
      for (const event of batch) yield event;
      if (queue.length > 0) continue;
      if (state.settled) break;
      await new Promise<void>((resolve) => (state.wake = resolve));
      state.wake = undefined;
    }
    if (state.failure !== undefined) throw state.failure.error;
  } finally {
    if (!state.settled)
      controller.abort(new RunAbortedError('The run was aborted: its event stream was closed.', { timedOut: false }));
    await running;
  }
}
