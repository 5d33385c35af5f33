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
