import { describe, expect, it } from 'vitest';
import { addUsage, emptyUsage } from './run-result.ts';

describe('emptyUsage', () => {
  it('counts nothing', () => {
    expect(emptyUsage()).toEqual({
      requests: 0,
      requestsWithoutUsage: 0,
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
    });
  });

  it('returns a fresh object each time', () => {
    const first = emptyUsage();
    addUsage(first, undefined);

    expect(emptyUsage().requests).toBe(0);
  });
});

describe('addUsage', () => {
  it('sums token counts over calls, in place', () => {
    const total = emptyUsage();

    const returned = addUsage(total, { inputTokens: 10, outputTokens: 5, totalTokens: 15 });
    addUsage(total, { inputTokens: 7, outputTokens: 3, totalTokens: 10 });

    expect(returned).toBe(total);
    expect(total).toEqual({ requests: 2, requestsWithoutUsage: 0, inputTokens: 17, outputTokens: 8, totalTokens: 25 });
  });

  it('counts a call without usage as unknown, not as zero tokens', () => {
    const total = emptyUsage();
    addUsage(total, { inputTokens: 4, outputTokens: 2, totalTokens: 6 });

    addUsage(total, undefined);

    expect(total).toEqual({ requests: 2, requestsWithoutUsage: 1, inputTokens: 4, outputTokens: 2, totalTokens: 6 });
  });
});
