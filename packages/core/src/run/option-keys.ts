import { ConfigurationError } from '../errors.ts';

/**
 * Throws a ConfigurationError when `options` holds a key that `accepted` does not list, naming the
 * key, the closest accepted one and all of them: a misspelled or misplaced option (`maxStep`,
 * `streaming` on an agent) would otherwise be ignored without a word. `owner` names what was
 * configured, such as `ReactAgent` or `ReactAgent.run`; `hints` adds advice for known misplacements.
 */
export function checkOptionKeys(
  options: unknown,
  accepted: readonly string[],
  owner: string,
  hints: Readonly<Record<string, string>> = {},
): void {
  if (typeof options !== 'object' || options === null) return;
  for (const key of Object.keys(options)) {
    if (accepted.includes(key)) continue;
    const hint = Object.hasOwn(hints, key) ? ` ${hints[key] ?? ''}` : suggestion(key, accepted);
    throw new ConfigurationError(
      `${owner}: unknown option '${key}'.${hint} Accepted options: ${[...accepted].sort().join(', ')}.`,
    );
  }
}

function suggestion(key: string, accepted: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of accepted) {
    const distance =
      name.toLowerCase() === key.toLowerCase()
        ? 0
        : key.length >= 4 && name.startsWith(key)
          ? 1
          : editDistance(key, name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  // Two edits (a letter left out, two swapped) catch typos without suggesting unrelated names.
  const limit = Math.min(2, Math.floor(key.length / 3));
  return best !== undefined && bestDistance <= limit ? ` Did you mean '${best}'?` : '';
}

// Levenshtein distance; keys are short and come from the developer's own code.
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
