import { describe, expect, it } from 'vitest';
import type { AgentEvent } from './agent-events.ts';
import { ConfigurationError, RunAbortedError } from '../errors.ts';
import { MAX_UNREAD_EVENTS, streamRunEvents } from './event-stream.ts';

const event = (step: number): AgentEvent => ({
  type: 'step-start',
  runId: 'r',
  step,
  seq: step,
  maxSteps: 9,
  finalAttempt: false,
});

describe('streamRunEvents', () => {
  it('yields every event in order, including those emitted before iteration catches up', async () => {
    const stream = streamRunEvents(async (listener) => {
      listener(event(1));
      listener(event(2));
      await new Promise((resolve) => setImmediate(resolve));
      listener(event(3));
    });

    const steps: number[] = [];
    for await (const item of stream) if (item.type === 'step-start') steps.push(item.step);

    expect(steps).toEqual([1, 2, 3]);
  });

  it('does not start the run until the first event is requested', async () => {
    let started = false;
    const stream = streamRunEvents(() => {
      started = true;
      return Promise.resolve();
    });

    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toBe(false);
    await stream.next();
    expect(started).toBe(true);
  });

  it('aborts the run and waits for it to settle when the consumer stops early', async () => {
    let abortReason: unknown;
    let settled = false;
    const stream = streamRunEvents(async (listener, signal) => {
      listener(event(1));
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      abortReason = signal.reason;
      settled = true;
    });

    for await (const item of stream) {
      expect(item.type).toBe('step-start');
      break;
    }

    expect(settled).toBe(true);
    expect(RunAbortedError.isInstance(abortReason)).toBe(true);
  });

  it('aborts the run at once when return() comes while a next() still waits for an event', async () => {
    let abortReason: unknown;
    const stream = streamRunEvents(async (listener, signal) => {
      listener(event(1));
      // A long tool call: nothing more comes until the run is aborted.
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      abortReason = signal.reason;
    });
    await stream.next();

    const waiting = stream.next();
    const closed = await stream.return(undefined);

    expect(closed).toEqual({ done: true, value: undefined });
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
    expect(RunAbortedError.isInstance(abortReason)).toBe(true);
  });

  it('passes the caller signal on to the run', async () => {
    const controller = new AbortController();
    const stream = streamRunEvents(
      (_listener, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
      controller.signal,
    );

    const finished = stream.next();
    controller.abort();

    await expect(finished).resolves.toEqual({ done: true, value: undefined });
  });

  it('rejects when the run cannot start', async () => {
    const stream = streamRunEvents(() => Promise.reject(new ConfigurationError('bad maxSteps')));

    await expect(stream.next()).rejects.toThrow('bad maxSteps');
  });

  it('holds a producer that heeds backpressure to MAX_UNREAD_EVENTS unread events, however slow the consumer', async () => {
    let produced = 0;
    let consumed = 0;
    let mostUnread = 0;
    const stream = streamRunEvents(async (listener, _signal, backpressure) => {
      for (let index = 1; index <= 5_000; index += 1) {
        listener(event(index));
        produced += 1;
        mostUnread = Math.max(mostUnread, produced - consumed);
        const wait = backpressure();
        if (wait !== undefined) await wait;
      }
    });

    for await (const _item of stream) {
      consumed += 1;
      // A slow consumer: every event costs it a turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(consumed).toBe(5_000);
    expect(mostUnread).toBeLessThanOrEqual(MAX_UNREAD_EVENTS + 1);
  });

  it('releases a producer waiting on backpressure when the consumer stops early', async () => {
    let released = false;
    const stream = streamRunEvents(async (listener, _signal, backpressure) => {
      for (let index = 1; index <= MAX_UNREAD_EVENTS; index += 1) listener(event(index));
      await backpressure();
      released = true;
    });

    for await (const _item of stream) break;

    expect(released).toBe(true);
  });
});
