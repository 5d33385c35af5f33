import type TurndownService from 'turndown';

// turndown ends every conversion with `/[\t\r\n\s]+$/` on the whole output, and infers inline
// spacing with a similar pattern on each inline element's text. Both are tried at every position
// of a whitespace run that does not end the text, so their cost grows with the square of the run:
// one <pre> holding 196 KB of spaces took 18 s. Long runs therefore travel through turndown as
// short markers (`\uFDD0` index `\uFDD1`) and are put back once it is done. The markers are
// Unicode noncharacters, reserved for a program's internal use; a page's own are replaced first.

// Runs up to this length stay: they cost turndown at most this many steps per character.
const MAX_VISIBLE_RUN = 32;
const OPEN = '\uFDD0';
const CLOSE = '\uFDD1';
const ROOT_ATTRIBUTE = 'data-tinyagent-whitespace';
// The characters JavaScript's `\s` matches, which is what turndown's patterns use.
const WHITESPACE = /^\s$/;

/** Replaces the noncharacters the markers are made of, so that a page cannot forge a marker. */
export function stripRunMarkers(text: string): string {
  return text.replaceAll(OPEN, '\uFFFD').replaceAll(CLOSE, '\uFFFD');
}

/**
 * Registers on `turndown` the rule that hides long whitespace runs from its final trim, and returns
 * a function converting an element with it. The element's `<pre>` blocks are flattened to their
 * text (their inline markup would each meet the spacing pattern) with their long runs hidden; the
 * element's children are wrapped in a marked `<div>` whose rule hides the runs the conversion itself
 * joined (non-breaking spaces, line breaks, list indentation) before the trim sees them.
 */
export function createShieldedTurndown(turndown: TurndownService): (root: HTMLElement) => string {
  let runs: string[] = [];
  turndown.addRule('whitespace-runs', {
    // turndown converts a clone of the element: the wrapper is the child of a root without parent.
    filter: (node) => node.hasAttribute(ROOT_ATTRIBUTE) && node.parentNode?.parentNode === null,
    replacement: (content) => `\n\n${hideRuns(content, runs)}\n\n`,
  });
  return (root) => {
    runs = [];
    for (const pre of outermostPres(root)) flattenPre(pre, runs);
    const wrapper = root.ownerDocument.createElement('div');
    wrapper.setAttribute(ROOT_ATTRIBUTE, '');
    wrapper.append(...root.childNodes);
    root.append(wrapper);
    return showRuns(turndown.turndown(root), runs);
  };
}

function outermostPres(root: HTMLElement): Element[] {
  return [...root.querySelectorAll('pre')].filter((pre) => pre.parentElement?.closest('pre') == null);
}

// Keeps a leading <code> (turndown's fenced-code rule reads its language from it), holding the text.
function flattenPre(pre: Element, runs: string[]): void {
  const text = hideRuns(pre.textContent, runs);
  const code = pre.firstElementChild?.nodeName === 'CODE' ? pre.firstElementChild : undefined;
  if (code === undefined) {
    pre.textContent = text;
  } else {
    code.textContent = text;
    pre.replaceChildren(code);
  }
}

function hideRuns(text: string, runs: string[]): string {
  const parts: string[] = [];
  let copied = 0;
  let index = 0;
  while (index < text.length) {
    if (!WHITESPACE.test(text.charAt(index))) {
      index += 1;
      continue;
    }
    const start = index;
    while (index < text.length && WHITESPACE.test(text.charAt(index))) index += 1;
    if (index - start > MAX_VISIBLE_RUN) {
      parts.push(text.slice(copied, start), `${OPEN}${runs.length}${CLOSE}`);
      runs.push(text.slice(start, index));
      copied = index;
    }
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

function showRuns(text: string, runs: readonly string[]): string {
  if (runs.length === 0) return text;
  const [first = '', ...rest] = text.split(OPEN);
  const parts = [first];
  for (const piece of rest) {
    const close = piece.indexOf(CLOSE);
    parts.push(runs[Number(piece.slice(0, close))] ?? '', piece.slice(close + 1));
  }
  return parts.join('');
}
