// A PHP site with its error display on writes its warnings into the page, one per line, in a fixed
// shape: `<b>Warning</b>:  Creating default object… in <b>/www/…/classes.php</b> on line <b>407</b><br />`.
// They tell the reader nothing about the page (one page of the development set of issue 21 had 28 of
// them in its text), so each such line goes, found by that shape: the level in a <b> of its own, then
// " in " a file " on line " a number, before the next <br> or the end of its parent.

const LEVELS = new Set([
  'warning',
  'notice',
  'deprecated',
  'strict standards',
  'fatal error',
  'parse error',
  'catchable fatal error',
  'recoverable fatal error',
]);

// A warning is the level, its message, the file and the line number: a handful of nodes. Past this
// many siblings, what follows the <b> is text of the page.
const MAX_LINE_NODES = 8;

/** Removes PHP's error lines (`<b>Warning</b>: … in <b>file</b> on line <b>N</b>`) from `root`, in place. */
export function removeServerErrors(root: HTMLElement): void {
  for (const level of [...root.querySelectorAll('b')]) {
    // PHP writes the level as the <b>'s one text node; reading only that keeps a page of nested <b>s
    // from costing its text once per level of nesting.
    const only = level.firstChild;
    if (only === null || only !== level.lastChild || only.nodeType !== 3) continue;
    if (!LEVELS.has((only.textContent ?? '').trim().toLowerCase()) || !root.contains(level)) continue;
    // A tutorial shows such a warning in a code sample on purpose.
    if (level.closest('pre, code') !== null) continue;
    const line: ChildNode[] = [level];
    let text = '';
    for (let node = level.nextSibling; node !== null && line.length <= MAX_LINE_NODES; node = node.nextSibling) {
      line.push(node);
      if (node.nodeName === 'BR') break;
      text += node.textContent ?? '';
    }
    if (isErrorLine(text)) for (const node of line) node.remove();
  }
}

// What follows the level: ":  message in file on line N".
function isErrorLine(text: string): boolean {
  const rest = text.trimStart();
  if (!rest.startsWith(':')) return false;
  const at = rest.lastIndexOf(' on line ');
  if (at < 0 || !rest.includes(' in ')) return false;
  const number = rest.slice(at + ' on line '.length).trim();
  if (number === '') return false;
  for (let index = 0; index < number.length; index += 1) {
    const digit = number.charAt(index);
    if (digit < '0' || digit > '9') return false;
  }
  return true;
}
