/** One part of a long text, as web_browse returns it. */
export interface PageWindow {
  text: string;
  /** Where this part starts and ends in the whole text (characters, end exclusive). */
  start: number;
  end: number;
  total: number;
}

// A cut earlier than this share of the window wastes too much of it: better a cut mid-paragraph.
const MIN_WINDOW_SHARE = 0.5;

/**
 * Takes the part of `text` that starts at `offset` and fits in `maxChars`, cut at the last block
 * boundary (a blank line, else a line break, else a space) inside the window so that no paragraph,
 * table row or code line is split when it can be helped. The next part starts where this one ends.
 * Throws a RangeError when `offset` is at or past the end of a non-empty text.
 */
export function takeWindow(text: string, offset: number, maxChars: number): PageWindow {
  const total = text.length;
  if (offset > 0 && offset >= total) {
    throw new RangeError(`offset ${offset} is past the end of the page, which has ${total} characters`);
  }
  const limit = offset + maxChars;
  if (limit >= total) return { text: text.slice(offset), start: offset, end: total, total };
  const earliest = offset + Math.floor(maxChars * MIN_WINDOW_SHARE);
  const end = lastBoundary(text, earliest, limit) ?? splitSafe(text, limit);
  return { text: text.slice(offset, end).trimEnd(), start: offset, end: skipNewlines(text, end), total };
}

function lastBoundary(text: string, earliest: number, limit: number): number | undefined {
  for (const separator of ['\n\n', '\n', ' ']) {
    const found = text.lastIndexOf(separator, limit - separator.length);
    if (found >= earliest) return found + separator.length;
  }
  return undefined;
}

// Line breaks only: the indentation of a code line that starts the next part is content.
function skipNewlines(text: string, index: number): number {
  let position = index;
  while (text.charAt(position) === '\n') position += 1;
  return position;
}

// A hard cut must not split a surrogate pair (an emoji, a rare CJK character) in two.
function splitSafe(text: string, index: number): number {
  const code = text.charCodeAt(index - 1);
  return code >= 0xd800 && code <= 0xdbff ? index - 1 : index;
}
