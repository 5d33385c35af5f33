/**
 * Deterministic pseudo-random numbers in [0, 1) (mulberry32): the same `seed` gives the same
 * sequence, so a failure found with them can be replayed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `text` cut at `cuts` (offsets, in any order). */
function cut(text: string, cuts: readonly number[]): string[] {
  const points = [0, ...[...cuts].sort((a, b) => a - b), text.length];
  return points.slice(1).map((end, index) => text.slice(points[index], end));
}

// Past this length, cutting in three every way would be too many splits (the count grows with
// the square of the length); cuts in two and random cuts still cover it.
const EVERY_THREE_WAY_UP_TO = 80;
const RANDOM_SPLITS = 100;
const MAX_RANDOM_PIECES = 12;

/**
 * Ways a stream may cut `text` into pieces, to test a reader of streamed text (a protocol's
 * `streamModelCall`, a decoder) against what it reads from the whole text: the text whole; one
 * UTF-16 unit per piece (a stream may cut a surrogate pair); every cut in two; every cut in three
 * for texts of up to 80 units; and 100 cuts into up to 12 pieces drawn from `random`.
 */
export function streamSplits(text: string, random: () => number = seededRandom(1)): string[][] {
  const units = Array.from({ length: text.length }, (_, index) => text.charAt(index));
  const splits: string[][] = [[text], units];
  for (let first = 0; first <= text.length; first += 1) {
    splits.push(cut(text, [first]));
    if (text.length <= EVERY_THREE_WAY_UP_TO) {
      for (let second = first; second <= text.length; second += 1) splits.push(cut(text, [first, second]));
    }
  }
  for (let round = 0; round < RANDOM_SPLITS; round += 1) {
    const pieces = 1 + Math.floor(random() * MAX_RANDOM_PIECES);
    splits.push(
      cut(
        text,
        Array.from({ length: pieces - 1 }, () => Math.floor(random() * (text.length + 1))),
      ),
    );
  }
  return splits;
}
