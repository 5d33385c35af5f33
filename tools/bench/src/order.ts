// The order in which contestants are measured.
import { seededRandom } from '@tinyagent/testing';

/** Each repeat starts with the next item, so none is always first. */
export function rotate<T>(items: readonly T[], round: number): T[] {
  const start = round % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

/**
 * The order of the contestants in CPU round `round`: a shuffle, the same for the same round. A
 * batch pays for collecting garbage its predecessor left, so no contestant may keep following the
 * same one, as it does in a rotation (which keeps the cyclic order within a round): the one after
 * the OpenAI Agents SDK, which leaves the most garbage, would be charged for it in most rounds.
 */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const order = [...items];
  const next = seededRandom(Math.imul(round + 1, 0x9e3779b9));
  for (let index = order.length - 1; index > 0; index -= 1) {
    const other = Math.floor(next() * (index + 1));
    [order[index], order[other]] = [order[other] as T, order[index] as T];
  }
  return order;
}

/**
 * `order` with `partner` placed right beside the item `anchor` picks: after it in even rounds, before
 * it in odd ones. A pair compared by its paired ratio must not differ by whom it follows: shuffled
 * apart, one of the pair may follow the peers that leave the most garbage in more rounds than the
 * other, and be charged for it (the tracing-off pairing read up to 8 % apart on identical work).
 */
export function besidePartner<T>(order: readonly T[], partner: T, anchor: (item: T) => boolean, round: number): T[] {
  const at = order.findIndex(anchor);
  if (at === -1) throw new Error('besidePartner: the anchor is not in the order.');
  const placed = [...order];
  placed.splice(round % 2 === 0 ? at + 1 : at, 0, partner);
  return placed;
}
