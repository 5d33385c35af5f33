// score.mjs matches snippets as plain substrings, so markdown syntax inside a sentence (`**bold**`,
// `\_`, a `|` between table cells) would hide text that is there. This turns web_browse's markdown
// back into the plain text a reader sees: one pass over each line, no backtracking patterns.

/**
 * Turns markdown into plain text: drops heading, quote and list markers, table pipes and separator
 * rows, code fences and emphasis marks, and unescapes backslash escapes. Code block lines stay as
 * they are. Line breaks are kept (the scorer folds whitespace anyway).
 */
export function markdownToPlainText(markdown: string): string {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const trimmed = line.trimStart();
    if (fence !== undefined) {
      if (trimmed.startsWith(fence) && trimmed.slice(fence.length).trim() === '') fence = undefined;
      else lines.push(line);
      continue;
    }
    const opening = fenceMarker(trimmed);
    if (opening !== undefined) {
      fence = opening;
      continue;
    }
    if (isTableSeparator(trimmed)) continue;
    lines.push(inlineText(stripBlockMarkers(trimmed)));
  }
  return lines.join('\n');
}

function fenceMarker(line: string): string | undefined {
  const char = line.charAt(0);
  if (char !== '`' && char !== '~') return undefined;
  let length = 0;
  while (line.charAt(length) === char) length += 1;
  return length >= 3 ? char.repeat(length) : undefined;
}

function isTableSeparator(line: string): boolean {
  if (!line.startsWith('|') || !line.includes('-')) return false;
  for (const char of line) if (!'|-: '.includes(char)) return false;
  return true;
}

// Quote markers (`> `), then one heading (`## `) or list marker (`- `, `12. `).
function stripBlockMarkers(line: string): string {
  let rest = line;
  while (rest.startsWith('>')) rest = rest.slice(1).trimStart();
  if (rest.startsWith('#')) {
    let level = 0;
    while (rest.charAt(level) === '#') level += 1;
    if (level <= 6 && rest.charAt(level) === ' ') return rest.slice(level + 1);
  }
  if ((rest.startsWith('- ') || rest.startsWith('* ') || rest.startsWith('+ ')) && rest.length > 2) {
    return rest.slice(2).trimStart();
  }
  let digits = 0;
  while (digits < 10 && rest.charAt(digits) >= '0' && rest.charAt(digits) <= '9') digits += 1;
  if (digits > 0 && rest.charAt(digits) === '.' && rest.charAt(digits + 1) === ' ') return rest.slice(digits + 2);
  return rest;
}

const ESCAPABLE = '\\`*_{}[]()#+-.!|<>~=';
const MARKS = '*_`';

// Backslash escapes become their character; unescaped emphasis and code marks and `~~`
// (strikethrough) go; an unescaped `|` (a table cell boundary) becomes a space.
function inlineText(line: string): string {
  let text = '';
  for (let index = 0; index < line.length; index += 1) {
    const char = line.charAt(index);
    const next = line.charAt(index + 1);
    if (char === '\\' && next !== '' && ESCAPABLE.includes(next)) {
      text += next;
      index += 1;
    } else if (char === '|') {
      text += ' ';
    } else if (char === '~' && next === '~') {
      index += 1;
    } else if (!MARKS.includes(char)) {
      text += char;
    }
  }
  return text;
}
