import { parseHTML } from 'linkedom';

// Elements after which a reader sees a new line; everything else runs on inline.
const BLOCKS = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BR',
  'DD',
  'DIV',
  'DL',
  'DT',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'TABLE',
  'TD',
  'TH',
  'TR',
  'UL',
]);
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE']);

/**
 * The text of an HTML fragment as a reader sees it: block elements on lines of their own, scripts
 * and styles left out. For candidates whose output is HTML, so that every candidate is scored as
 * plain text.
 */
export function htmlToPlainText(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const parts: string[] = [];
  // An explicit stack rather than recursion: a deep fragment must not overflow the call stack.
  const stack: { node: Node; leaving: boolean }[] = [{ node: document.body, leaving: false }];
  while (stack.length > 0) {
    const { node, leaving } = stack.pop() as { node: Node; leaving: boolean };
    if (leaving) {
      parts.push('\n');
      continue;
    }
    if (node.nodeType === 3) {
      parts.push(node.textContent ?? '');
      continue;
    }
    if (node.nodeType !== 1 || SKIPPED.has(node.nodeName)) continue;
    if (BLOCKS.has(node.nodeName)) {
      parts.push('\n');
      stack.push({ node, leaving: true });
    }
    const children = [...node.childNodes];
    for (let index = children.length - 1; index >= 0; index -= 1) {
      stack.push({ node: children[index] as Node, leaving: false });
    }
  }
  return parts.join('');
}
