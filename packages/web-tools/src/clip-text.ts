// Every part of a tool result is bounded: a page, a server or the model can make any of them huge
// (a 2 MB <title> gave a 2 MB result), and the model pays for each character.

/** At most this many characters of a page title. */
export const MAX_TITLE_CHARS = 300;
/** At most this many characters of a URL shown in a result or an error. */
export const MAX_URL_CHARS = 1000;
/** At most this many characters of text a server chose (a status text, an error detail). */
export const MAX_ECHO_CHARS = 300;
/** At most this many characters of a search result's description. */
export const MAX_DESCRIPTION_CHARS = 1000;
/** At most this many characters of a whole `Error:` text: the backstop behind the bounds above. */
export const MAX_ERROR_CHARS = 3000;

/** `text` cut to at most `maxChars` characters plus an ellipsis, never splitting a surrogate pair. */
export function clipText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const code = text.charCodeAt(maxChars - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? maxChars - 1 : maxChars;
  return `${text.slice(0, end)}…`;
}

/** `text` on one line (any run of whitespace becomes one space), cut like `clipText`. */
export function clipLine(text: string, maxChars: number): string {
  // Cut before collapsing, so that the work stays in proportion to the bound, not to the text.
  return clipText(
    text
      .slice(0, maxChars * 4)
      .replace(/\s+/g, ' ')
      .trim(),
    maxChars,
  );
}
