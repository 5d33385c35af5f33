/**
 * `text` without any of `characters` at its start and its end (or only its end). A loop, not a
 * pattern like `/\n+$/`: such a pattern is tried at every position of a long run, which pages
 * hold by the hundred thousand.
 */
export function trimCharacters(text: string, characters: string, sides: 'both' | 'end' = 'both'): string {
  let start = 0;
  let end = text.length;
  if (sides === 'both') while (start < end && characters.includes(text.charAt(start))) start += 1;
  while (end > start && characters.includes(text.charAt(end - 1))) end -= 1;
  return text.slice(start, end);
}
