// Model replies are untrusted text read on the main thread, so nothing here uses a pattern that can
// backtrack: fences, trailing blanks and <code> elements are found by scanning, in time linear in
// the reply (a quadratic pattern once blocked the process for 18 s on a 117 KB reply).

/** Code found in a model reply. */
export interface ExtractedCode {
  code: string;
  /** True when the block was tagged ts/typescript: its types are stripped before it runs. */
  typescript: boolean;
}

const JAVASCRIPT_TAGS = new Set(['js', 'javascript', 'mjs', 'cjs', 'jsx']);
const TYPESCRIPT_TAGS = new Set(['ts', 'typescript', 'mts', 'tsx']);

/** The stop sequences the agent sends; a server may still leave a piece of one at the end of a reply. */
export const STOP_SEQUENCES: readonly string[] = ['\nObservation:'];

interface OpeningFence {
  indent: number;
  fence: string;
  tag: string;
}

/**
 * Finds the code in a model reply: the first fenced block tagged js/javascript/ts/typescript or not
 * tagged at all (blocks in other languages are skipped), indented fences included; else the first
 * `<code>` element. An unclosed fence at the end of the reply runs to the end. Returns undefined when
 * there is no code.
 */
export function extractCode(reply: string): ExtractedCode | undefined {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const opening = parseOpeningFence(lines[index] ?? '');
    if (opening === undefined) continue;
    const { indent, fence, tag } = opening;
    const closing = findClosingFence(lines, index + 1, fence);
    if (isCodeTag(tag)) {
      const body = dedent(lines.slice(index + 1, closing), indent);
      const code = removePartialStop(body.join('\n'), closing === lines.length);
      if (code.trim() !== '') return { code, typescript: TYPESCRIPT_TAGS.has(tag) };
    }
    index = closing;
  }
  const element = findCodeElement(reply);
  const code = element === undefined ? '' : removePartialStop(decodeEntities(element), false);
  return code.trim() === '' ? undefined : { code, typescript: false };
}

// An opening fence, possibly indented (inside a list): blanks, three or more backticks or tildes, then
// an info string without backticks, whose first word is the tag.
function parseOpeningFence(line: string): OpeningFence | undefined {
  const indent = leadingBlanks(line);
  const marker = line[indent];
  if (marker !== '`' && marker !== '~') return undefined;
  let end = indent;
  while (line[end] === marker) end++;
  if (end - indent < 3 || line.includes('`', end)) return undefined;
  const info = line.slice(end).trim();
  let wordEnd = 0;
  while (wordEnd < info.length && !isWhitespace(info[wordEnd] ?? '')) wordEnd++;
  return { indent, fence: line.slice(indent, end), tag: info.slice(0, wordEnd).toLowerCase() };
}

function findClosingFence(lines: readonly string[], from: number, fence: string): number {
  const marker = fence[0] ?? '`';
  for (let index = from; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line.length >= fence.length && line === marker.repeat(line.length)) return index;
  }
  return lines.length;
}

function leadingBlanks(line: string): number {
  let count = 0;
  while (line[count] === ' ' || line[count] === '\t') count++;
  return count;
}

// One character against `\s`: a pattern on a single character cannot backtrack.
function isWhitespace(character: string): boolean {
  return /^\s$/.test(character);
}

// Lines of an indented fence lose the fence's indentation, and no more than that.
function dedent(lines: readonly string[], width: number): string[] {
  if (width === 0) return [...lines];
  return lines.map((line) => line.slice(Math.min(leadingBlanks(line), width)));
}

/**
 * Trims the end of extracted code, and drops its last line when the reply ended inside the block and
 * that line is the start of a stop sequence or a partial closing fence (what a reply cut at a stop
 * sequence can end with).
 */
export function removePartialStop(code: string, unclosed: boolean): string {
  const lines = code.trimEnd().split('\n');
  // Only a block the reply ended inside can have been cut by a stop sequence.
  if (unclosed && isCutOffLine(lines.at(-1)?.trim() ?? '')) lines.pop();
  return lines.join('\n').trimEnd();
}

/**
 * Whether `line` (trimmed), as the last line of a block the reply ended inside, is the start of a
 * stop sequence or a partial closing fence, and so no code.
 */
export function isCutOffLine(line: string): boolean {
  const isPartialStop = line.length >= 3 && STOP_SEQUENCES.some((stop) => stop.trim().startsWith(line));
  return isPartialStop || /^(`{1,2}|~{1,2})$/.test(line);
}

/** Whether a fence tagged `tag` (lower case) holds code to run: no tag, or a JavaScript or TypeScript one. */
export function isCodeTag(tag: string): boolean {
  return tag === '' || JAVASCRIPT_TAGS.has(tag) || TYPESCRIPT_TAGS.has(tag);
}

// The content of the first `<code>` or `<code attributes>` element (tag name in any case), up to its
// `</code>` or the end of the reply.
function findCodeElement(reply: string): string | undefined {
  for (let start = indexOfTag(reply, '<code', 0); start !== -1; start = indexOfTag(reply, '<code', start + 1)) {
    const after = reply[start + 5] ?? '';
    let contentStart: number;
    if (after === '>') contentStart = start + 6;
    else if (isWhitespace(after)) {
      const close = reply.indexOf('>', start + 6);
      // No later `<code` can find a `>` either.
      if (close === -1) return undefined;
      contentStart = close + 1;
    } else continue;
    const end = indexOfTag(reply, '</code>', contentStart);
    return reply.slice(contentStart, end === -1 ? reply.length : end);
  }
  return undefined;
}

// Index of `tag` (lower-case ASCII) in `text` from `from`, ignoring ASCII case, as a regex's `i` does.
function indexOfTag(text: string, tag: string, from: number): number {
  for (let index = text.indexOf('<', from); index !== -1; index = text.indexOf('<', index + 1)) {
    if (text.slice(index, index + tag.length).toLowerCase() === tag) return index;
  }
  return -1;
}

/** Decodes the five HTML entities a model writes inside a `<code>` element. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
