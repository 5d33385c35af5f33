import { describe, expect, it } from 'vitest';
import { DeadlinePassed, withinDeadline } from './deadline.ts';

describe('withinDeadline', () => {
  it('settles with the mapped value of work that ends in time', async () => {
    await expect(withinDeadline(Promise.resolve(20), { ms: 1_000, map: (value) => value + 1 })).resolves.toBe(21);
  });

  it('fails with DeadlinePassed and stops the work when the time is up', async () => {
    let stopped = false;
    const never = new Promise<number>(() => undefined);
    const racing = withinDeadline(never, { ms: 0, map: (value) => value, onExpire: () => (stopped = true) });
    await expect(racing).rejects.toBeInstanceOf(DeadlinePassed);
    expect(stopped).toBe(true);
  });

  it('recovers once: the work failing after the deadline starts no second recovery', async () => {
    let failLate: (error: Error) => void = () => undefined;
    const late = new Promise<number>((_resolve, reject) => (failLate = reject));
    const recovered: unknown[] = [];
    const racing = withinDeadline(late, {
      ms: 0,
      map: (value) => value,
      recover: (error) => {
        recovered.push(error);
        return Promise.resolve(-1);
      },
    });
    await expect(racing).resolves.toBe(-1);
    failLate(new Error('aborted after the deadline'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toBeInstanceOf(DeadlinePassed);
  });

  it('fails like the work when map throws', async () => {
    const failing = withinDeadline(Promise.resolve('reply'), {
      ms: 1_000,
      map: () => {
        throw new Error('unreadable reply');
      },
    });
    await expect(failing).rejects.toThrow('unreadable reply');
  });
});
