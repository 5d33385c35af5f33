/**
 * `text` trimmed and without its closing full stops, for quoting inside a sentence of our own that
 * supplies its own: "aborted: user left." rather than "aborted: user left..". Scans from the end.
 */
export function withoutClosingStop(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '.' || text[end - 1]?.trim() === '')) end -= 1;
  return text.slice(0, end).trimStart();
}
