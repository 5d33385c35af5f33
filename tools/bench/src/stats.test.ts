import { describe, expect, it } from 'vitest';
import { median, pairedRatio, ratio } from './stats.ts';

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the two middle values of an even one', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('is NaN without samples', () => {
    expect(median([])).toBeNaN();
  });
});

describe('ratio', () => {
  it('divides, and is NaN for a reference that is zero or missing', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(3, Number.NaN)).toBeNaN();
  });
});

describe('pairedRatio', () => {
  it('takes the median of the ratios of paired samples, so drift shared by a pair cancels out', () => {
    // The machine slows down round by round; each pair keeps a ratio of 2.
    expect(pairedRatio([2, 4, 8, 16], [1, 2, 4, 8])).toBe(2);
    expect(pairedRatio([3, 5], [1, 0])).toBe(3);
    expect(pairedRatio([], [])).toBeNaN();
  });
});
