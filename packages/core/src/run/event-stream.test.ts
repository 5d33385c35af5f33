import { describe, expect, it } from 'vitest';
import type { AgentEvent } from './agent-events.ts';
import { ConfigurationError, RunAbortedError } from '../errors.ts';
import { streamRunEvents } from './event-stream.ts';

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
});
