import { describe, expect, it } from 'vitest';
import { seededRandom, streamSplits } from './stream-splits.ts';

describe('seededRandom', () => {
  it('gives the same numbers in [0, 1) for the same seed, and others for another', () => {
    const first = Array.from({ length: 50 }, seededRandom(7));
    expect(Array.from({ length: 50 }, seededRandom(7))).toEqual(first);
    expect(Array.from({ length: 50 }, seededRandom(8))).not.toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});

describe('streamSplits', () => {
  it('cuts the text every way in two and three, one unit at a time, and at random: always the whole text', () => {
    const text = 'ab😀c';
    const splits = streamSplits(text);

    expect(splits.every((pieces) => pieces.join('') === text)).toBe(true);
    expect(splits).toContainEqual(['a', 'b', '\ud83d', '\ude00', 'c']);
    for (let at = 0; at <= text.length; at += 1) expect(splits).toContainEqual([text.slice(0, at), text.slice(at)]);
    expect(splits).toContainEqual(['a', 'b\ud83d', '\ude00c']);
    // Whole, by units, 6 cuts in two, 21 in three, and 100 random ones.
    expect(splits).toHaveLength(2 + 6 + 21 + 100);
  });

  it('cuts a long text in three only at random', () => {
    const text = 'x'.repeat(200);
    expect(streamSplits(text)).toHaveLength(2 + 201 + 100);
  });
});
