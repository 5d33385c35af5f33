import { describe, expect, it } from 'vitest';
import { whenAborted } from './abort.ts';

describe('whenAborted', () => {
  it('calls every waiting callback once, in order, and none that stopped waiting', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const first = (): void => void calls.push('first');
    const second = (): void => void calls.push('second');
    const gone = (): void => void calls.push('gone');
    whenAborted(controller.signal, first);
    const waiting = whenAborted(controller.signal, gone);
    whenAborted(controller.signal, second);
    waiting.delete(gone);
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['first', 'second']);
  });

  it('keeps one listener on the signal however many callbacks wait', () => {
    const controller = new AbortController();
    let added = 0;
    const { signal } = controller;
    const addEventListener = signal.addEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
      added += 1;
      addEventListener(...args);
    };
    for (let index = 0; index < 100; index += 1) {
      const callback = (): void => undefined;
      whenAborted(signal, callback).delete(callback);
    }
    expect(added).toBe(1);
  });

  it('still calls the others when one throws, and reports the throw as uncaught', async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const reported = new Promise<unknown>((resolve) => {
      process.once('uncaughtException', resolve);
    });
    whenAborted(controller.signal, () => {
      throw new Error('broken callback');
    });
    whenAborted(controller.signal, () => void calls.push('after'));
    controller.abort();
    expect(calls).toEqual(['after']);
    expect(await reported).toMatchObject({ message: 'broken callback' });
  });
});
