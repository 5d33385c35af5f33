import { afterEach, describe, expect, it, vi } from 'vitest';
import { MultipleFinalAnswers } from '../errors.ts';
import { Finalizer } from './final-answer.ts';

describe('Finalizer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds nothing until an answer is set', () => {
    const finalizer = new Finalizer();

    expect(finalizer.isSet()).toBe(false);
    expect(finalizer.get()).toBeUndefined();
  });

  it('records the answer from the normal loop, stamped with the time it was set', () => {
    vi.useFakeTimers({ now: new Date('2025-03-01T12:00:00Z') });
    const finalizer = new Finalizer<string>();

    const answer = finalizer.set('42');

    expect(finalizer.isSet()).toBe(true);
    expect(finalizer.get()).toBe(answer);
    expect(answer.value).toBe('42');
    expect(answer.source).toBe('normal');
    expect(answer.metadata).toEqual({});
    expect(answer.timestamp).toEqual(new Date('2025-03-01T12:00:00Z'));
  });

  it('keeps the given source and a copy of the metadata', () => {
    const finalizer = new Finalizer<{ total: number }>();
    const metadata: Record<string, unknown> = { step: 7 };

    const answer = finalizer.set({ total: 3 }, { source: 'final_attempt', metadata });
    metadata.step = 8;

    expect(answer.value).toEqual({ total: 3 });
    expect(answer.source).toBe('final_attempt');
    expect(answer.metadata).toEqual({ step: 7 });
  });

  it('throws MultipleFinalAnswers carrying both values on a second set, keeping the first', () => {
    const finalizer = new Finalizer<string>();
    finalizer.set('first');

    let thrown: unknown;
    try {
      finalizer.set('second');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(MultipleFinalAnswers);
    expect((thrown as MultipleFinalAnswers).firstAnswer).toBe('first');
    expect((thrown as MultipleFinalAnswers).secondAnswer).toBe('second');
    expect(finalizer.get()?.value).toBe('first');
  });

  it('accepts a new answer after reset', () => {
    const finalizer = new Finalizer<string>();
    finalizer.set('first run');

    finalizer.reset();

    expect(finalizer.isSet()).toBe(false);
    expect(finalizer.get()).toBeUndefined();
    expect(finalizer.set('second run').value).toBe('second run');
  });
});
