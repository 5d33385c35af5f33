/** Code found in a model reply. */
export interface ExtractedCode {
  code: string;
  /** True when the block was tagged ts/typescript: its types are stripped before it runs. */
  typescript: boolean;
}

const JAVASCRIPT_TAGS = new Set(['js', 'javascript', 'mjs', 'cjs', 'jsx']);
const TYPESCRIPT_TAGS = new Set(['ts', 'typescript', 'mts', 'tsx']);

// An opening fence, possibly indented (inside a list), with its info string.
const OPENING_FENCE = /^([ \t]*)(`{3,}|~{3,})[ \t]*([^\n`]*)$/;

/** The stop sequences the agent sends; a server may still leave a piece of one at the end of a reply. */
export const STOP_SEQUENCES: readonly string[] = ['\nObservation:'];

/**
 * Finds the code in a model reply: the first fenced block tagged js/javascript/ts/typescript or not
 * tagged at all (blocks in other languages are skipped), indented fences included; else the first
 * `<code>` element. An unclosed fence at the end of the reply runs to the end. Returns undefined when
 * there is no code.
 */
export function extractCode(reply: string): ExtractedCode | undefined {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const opening = OPENING_FENCE.exec(lines[index] ?? '');
    if (opening === null) continue;
    const [, indent = '', fence = '', info = ''] = opening;
    const closing = findClosingFence(lines, index + 1, fence);
    const tag = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (tag === '' || JAVASCRIPT_TAGS.has(tag) || TYPESCRIPT_TAGS.has(tag)) {
      const body = dedent(lines.slice(index + 1, closing), indent.length);
      const code = removePartialStop(body.join('\n'), closing === lines.length);
      if (code.trim() !== '') return { code, typescript: TYPESCRIPT_TAGS.has(tag) };
    }
    index = closing;
  }
  const element = /<code(?:\s[^>]*)?>([\s\S]*?)(?:<\/code>|$)/i.exec(reply);
  const code = element?.[1] === undefined ? '' : removePartialStop(decodeEntities(element[1]), false);
  return code.trim() === '' ? undefined : { code, typescript: false };
}

function findClosingFence(lines: readonly string[], from: number, fence: string): number {
  const marker = fence[0] ?? '`';
  for (let index = from; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line.length >= fence.length && line === marker.repeat(line.length)) return index;
  }
  return lines.length;
}

// Lines of an indented fence lose the fence's indentation, and no more than that.
function dedent(lines: readonly string[], width: number): string[] {
  if (width === 0) return [...lines];
  return lines.map((line) => {
    const leading = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    return line.slice(Math.min(leading, width));
  });
}

// A reply cut at a stop sequence can end with the start of it, or with a partial closing fence.
function removePartialStop(code: string, unclosed: boolean): string {
  const lines = code.replace(/\s+$/, '').split('\n');
  const last = lines.at(-1)?.trim() ?? '';
  // Only a block the reply ended inside can have been cut by a stop sequence.
  const isPartialStop = unclosed && last.length >= 3 && STOP_SEQUENCES.some((stop) => stop.trim().startsWith(last));
  const isPartialFence = unclosed && /^(`{1,2}|~{1,2})$/.test(last);
  if (isPartialStop || isPartialFence) lines.pop();
  return lines.join('\n').replace(/\s+$/, '');
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
