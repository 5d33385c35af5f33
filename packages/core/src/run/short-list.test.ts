import { describe, expect, it } from 'vitest';
import { appended } from './short-list.ts';

describe('appended', () => {
  it('gives a new list while the list is short, leaving the old one as it was', () => {
    const list = [1, 2];

    const longer = appended(list, 3);

    expect(longer).toEqual([1, 2, 3]);
    expect(longer).not.toBe(list);
    expect(list).toEqual([1, 2]);
  });

  it('pushes to a long list, keeping every entry in order', () => {
    let list: number[] = [];
    for (let entry = 0; entry < 40; entry += 1) list = appended(list, entry);
    const before = list;

    const after = appended(list, 40);

    expect(after).toBe(before);
    expect(after).toEqual(Array.from({ length: 41 }, (_, index) => index));
  });
});
