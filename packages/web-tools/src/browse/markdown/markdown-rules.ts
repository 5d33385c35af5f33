import { highlightedCodeBlock, strikethrough, taskListItems } from '@joplin/turndown-plugin-gfm';
import TurndownService from 'turndown';
import { gfmTables } from './markdown-tables.ts';
import { trimCharacters } from './trim.ts';

/** Which optional parts of a page survive the conversion. */
export interface KeepOptions {
  /** Keep images as `![alt](src)`; by default they are dropped. */
  keepImages: boolean;
  /** Keep link targets as `[text](href)`; by default only the link text stays. */
  keepLinks: boolean;
}

/** Elements that are never content, whatever the extraction. */
export const JUNK_ELEMENTS: readonly string[] = [
  'script',
  'style',
  'noscript',
  'iframe',
  'svg',
  'template',
  'object',
  'embed',
  'canvas',
];

/** Creates a turndown service that writes compact GFM: ATX headings, fenced code, `-` lists, GFM tables. */
export function createTurndown(keep: KeepOptions): TurndownService {
  const turndown = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '_',
    strongDelimiter: '**',
    hr: '---',
  });
  turndown.use([highlightedCodeBlock, strikethrough, taskListItems, gfmTables]);
  turndown.remove(JUNK_ELEMENTS as TurndownService.TagName[]);
  // Rules added later take precedence over turndown's own and the GFM plugin's.
  turndown.addRule('list-item', { filter: 'li', replacement: listItem });
  turndown.addRule('bare-pre', {
    // Turndown fences only <pre><code>; a bare <pre> (RFCs, code without markup) would lose its
    // layout to markdown reflow and get its brackets escaped.
    filter: (node) => node.nodeName === 'PRE' && node.firstElementChild?.nodeName !== 'CODE',
    replacement: (_content, node) => fence(node.textContent),
  });
  if (!keep.keepImages) turndown.addRule('drop-images', { filter: ['img', 'picture'], replacement: () => '' });
  if (!keep.keepLinks) {
    turndown.addRule('link-text-only', { filter: (node) => node.nodeName === 'A', replacement: (content) => content });
  }
  return turndown;
}

// Turndown pads list markers to four columns (`-   item`); one space reads the same and costs fewer tokens.
function listItem(content: string, node: HTMLElement, options: TurndownService.Options): string {
  const parent = node.parentElement;
  let prefix = `${options.bulletListMarker ?? '-'} `;
  if (parent?.nodeName === 'OL') {
    const start = Number.parseInt(parent.getAttribute('start') ?? '1', 10);
    prefix = `${(Number.isNaN(start) ? 1 : start) + positionOf(node, parent)}. `;
  }
  const trimmed = trimCharacters(content, '\n');
  // As turndown's rule: a paragraph inside the item keeps one line break after it.
  const ending = trimmed !== '' && content.endsWith('\n') ? '\n' : '';
  const body = `${trimmed}${ending}`.replace(/\n/g, `\n${' '.repeat(prefix.length)}`);
  const needsNewline = node.nextSibling !== null && !body.endsWith('\n');
  return `${prefix}${body}${needsNewline ? '\n' : ''}`;
}

// Where each item stands among its list's children, read once per list: asking every item for its
// index cost items² (a 10 000-item <ol> took 5 s to convert, a 20 000-item one 25 s).
const positions = new WeakMap<Element, Map<Node, number>>();

function positionOf(node: Node, list: Element): number {
  let inList = positions.get(list);
  if (inList === undefined) {
    inList = new Map([...list.children].map((child, index) => [child, index]));
    positions.set(list, inList);
  }
  return inList.get(node) ?? 0;
}

function fence(code: string): string {
  // A loop, not Math.max(...runs): a spread of a hundred thousand runs overflows the stack.
  const longestRun = (code.match(/`+/g) ?? []).reduce((longest, run) => Math.max(longest, run.length), 2);
  const marker = '`'.repeat(longestRun + 1);
  return `\n\n${marker}\n${trimCharacters(code, '\n')}\n${marker}\n\n`;
}
