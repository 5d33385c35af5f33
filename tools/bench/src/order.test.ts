import { describe, expect, it } from 'vitest';
import { besidePartner, roundOrder, rotate } from './order.ts';

const ITEMS = ['native', 'json', 'sdk', 'fetch', 'vercel', 'agents'];

describe('rotate', () => {
  it('starts each repeat with the next item', () => {
    expect(rotate(ITEMS, 0)).toEqual(ITEMS);
    expect(rotate(ITEMS, 2)).toEqual(['sdk', 'fetch', 'vercel', 'agents', 'native', 'json']);
  });
});

describe('roundOrder', () => {
  it('is a permutation, the same for the same round', () => {
    for (let round = 0; round < 25; round += 1) {
      expect([...roundOrder(ITEMS, round)].sort()).toEqual([...ITEMS].sort());
      expect(roundOrder(ITEMS, round)).toEqual(roundOrder(ITEMS, round));
    }
  });

  it('puts each item after many others over the rounds, unlike a rotation', () => {
    const predecessors = new Map(ITEMS.map((item) => [item, new Set<string>()]));
    const rotated = new Map(ITEMS.map((item) => [item, new Set<string>()]));
    let previous: string | undefined;
    let previousRotated: string | undefined;
    for (let round = 0; round < 25; round += 1) {
      for (const item of roundOrder(ITEMS, round)) {
        if (previous !== undefined) predecessors.get(item)?.add(previous);
        previous = item;
      }
      for (const item of rotate(ITEMS, round)) {
        if (previousRotated !== undefined) rotated.get(item)?.add(previousRotated);
        previousRotated = item;
      }
    }
    // A rotation keeps the cyclic order: within a round every item follows the same one.
    for (const seen of rotated.values()) expect(seen.size).toBeLessThanOrEqual(2);
    for (const seen of predecessors.values()) expect(seen.size).toBeGreaterThanOrEqual(4);
  });
});

describe('besidePartner', () => {
  it('puts the partner right after the anchor in even rounds and right before it in odd ones', () => {
    const order = ['sdk', 'native', 'fetch'];
    expect(besidePartner(order, 'traced', (item) => item === 'native', 0)).toEqual([
      'sdk',
      'native',
      'traced',
      'fetch',
    ]);
    expect(besidePartner(order, 'traced', (item) => item === 'native', 1)).toEqual([
      'sdk',
      'traced',
      'native',
      'fetch',
    ]);
    expect(order).toEqual(['sdk', 'native', 'fetch']);
  });

  it('refuses an order without the anchor', () => {
    expect(() => besidePartner(['sdk'], 'traced', (item) => item === 'native', 0)).toThrow(/anchor/);
  });
});
