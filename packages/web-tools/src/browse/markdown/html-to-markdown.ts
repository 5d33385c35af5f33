import { Readability } from '@mozilla/readability';
import { pruneBoilerplate } from './boilerplate.ts';
import { removeServerErrors } from './server-errors.ts';
import { completeArticle, findCandidates } from './article-candidates.ts';
import { createTurndown, JUNK_ELEMENTS } from './markdown-rules.ts';
import type { KeepOptions } from './markdown-rules.ts';
import { flattenTableCells } from './markdown-tables.ts';
import { parseDocument } from './parse-document.ts';
import { trimCharacters } from './trim.ts';
import { createShieldedTurndown, stripRunMarkers } from './whitespace-runs.ts';

/** A page converted to markdown. */
export interface ReadablePage {
  title: string | undefined;
  markdown: string;
  /** `article` when Readability found the main content, `whole_page` when the fallback converted the page. */
  extraction: 'article' | 'whole_page';
}

/** Turns one HTML page, fetched from `url`, into readable markdown. */
export type MarkdownConverter = (html: string, url: string) => ReadablePage;

// Without an article to extract, the whole page is converted minus its chrome: navigation, page
// header and footer landmarks, sidebars, forms and hidden elements.
const PAGE_CHROME = [
  ...JUNK_ELEMENTS,
  'nav',
  'aside',
  'footer',
  'button',
  'dialog',
  '[role="navigation"]',
  '[role="banner"]',
  '[role="contentinfo"]',
  '[role="complementary"]',
  '[role="search"]',
  '[hidden]',
  '[aria-hidden="true"]',
].join(', ');

// Readability's work grows faster than the page on linkedom: with the depth of the tree (a 20 KB
// page of 2000 nested <div>s took 100 s, 1000 nested tables a second each), and with the number of
// elements. Real pages stay far below both limits (the 44 fixture pages: depth 34, 2800 elements at
// most); a page beyond them is converted whole, which costs time in proportion to its size.
const MAX_READABLE_DEPTH = 64;
const MAX_READABLE_ELEMENTS = 20_000;

const SOFT_HYPHEN = '\u00ad';

// turndown recurses once per level: past this depth, what an element holds is kept as its text.
const MAX_CONVERTED_DEPTH = 256;

/**
 * Creates a converter from HTML to readable markdown: the main content as Readability extracts it,
 * or, when Readability finds none (or the page is too deep or too large for it), the whole page
 * minus scripts, navigation and other chrome. Relative links and images resolve against the page's
 * `<base href>` or its URL.
 */
export function createMarkdownConverter(keep: KeepOptions): MarkdownConverter {
  const turndown = createShieldedTurndown(createTurndown(keep));
  return (page, url) => {
    const html = stripRunMarkers(page);
    const document = parseDocument(html);
    const base = baseUrl(document, url);
    const pageTitle = document.title.trim();
    const intricate = isTooIntricate(document);
    // Read before Readability, which takes the document apart (the fallback parses the page again).
    const candidates = intricate ? undefined : findCandidates(document, isChrome);
    const article = intricate
      ? null
      : // Classes stay on the article so that pruneBoilerplate can read them; turndown ignores them.
        new Readability<Node>(document, { serializer: (node) => node, keepClasses: true }).parse();
    const content = completeArticle(article?.content as HTMLElement | undefined, candidates, removeChrome);
    if (content !== undefined && content.textContent.trim() !== '') {
      pruneBoilerplate(content, keep.keepImages, base);
      const markdown = convert(turndown, content, base, keep);
      const title = article?.title?.trim() ?? pageTitle;
      if (markdown !== '') return { title: title === '' ? undefined : title, markdown, extraction: 'article' };
    }
    const whole = parseDocument(html);
    removeChrome(whole.body);
    flattenBeyond(whole, MAX_CONVERTED_DEPTH);
    const markdown = convert(turndown, whole.body, base, keep);
    return { title: pageTitle === '' ? undefined : pageTitle, markdown, extraction: 'whole_page' };
  };
}

// Chrome and hidden elements go from what is converted without Readability's cleaning.
function removeChrome(root: HTMLElement): void {
  for (const element of root.querySelectorAll(PAGE_CHROME)) element.remove();
  for (const element of root.querySelectorAll('[style]')) {
    if (isHiddenByStyle(element.getAttribute('style') ?? '')) element.remove();
  }
}

// The same test for one element, save <noscript>: paragraphs there are the story as a reader without
// JavaScript gets it (web_browse is one), where a blog renders its posts by script.
function isChrome(element: Element): boolean {
  if (element.nodeName === 'NOSCRIPT') return false;
  return element.matches(PAGE_CHROME) || isHiddenByStyle(element.getAttribute('style') ?? '');
}

// Readability drops what an inline style hides; the fallback must too, or a page deep enough to
// skip Readability would hand the model text no reader sees. Read by hand, not by pattern: the
// attribute is the page's and may be megabytes long.
function isHiddenByStyle(style: string): boolean {
  for (const declaration of style.toLowerCase().split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    const property = declaration.slice(0, colon).trim();
    const value = declaration
      .slice(colon + 1)
      .replace('!important', '')
      .trim();
    if (property === 'display' && value === 'none') return true;
    if (property === 'visibility' && (value === 'hidden' || value === 'collapse')) return true;
  }
  return false;
}

function isTooIntricate(document: Document): boolean {
  const elements = document.querySelectorAll('*');
  return elements.length > MAX_READABLE_ELEMENTS || elementsDeeperThan(elements, MAX_READABLE_DEPTH).length > 0;
}

// Replaces every element deeper than `maxDepth` by the text it holds.
function flattenBeyond(document: Document, maxDepth: number): void {
  for (const element of elementsDeeperThan(document.querySelectorAll('*'), maxDepth)) {
    element.replaceWith(document.createTextNode(element.textContent));
  }
}

// The outermost elements deeper than `maxDepth`. Elements come in document order, so each one's
// parent has its depth already.
function elementsDeeperThan(elements: Iterable<Element>, maxDepth: number): Element[] {
  const depths = new Map<Node | null, number>();
  const deeper: Element[] = [];
  for (const element of elements) {
    const depth = (depths.get(element.parentNode) ?? 0) + 1;
    depths.set(element, depth);
    if (depth === maxDepth + 1) deeper.push(element);
  }
  return deeper;
}

function convert(turndown: (root: HTMLElement) => string, root: HTMLElement, base: string, keep: KeepOptions): string {
  removeServerErrors(root);
  flattenTableCells(root);
  // Pastebins and code playgrounds show their text in a <textarea>; as a <pre> it keeps its lines
  // (turndown collapses the whitespace of everything else before any rule sees it).
  for (const area of [...root.querySelectorAll('textarea')]) {
    const pre = area.ownerDocument.createElement('pre');
    pre.textContent = area.textContent;
    area.replaceWith(pre);
  }
  if (keep.keepLinks) resolveAttributes(root, 'a[href]', 'href', base);
  if (keep.keepImages) resolveAttributes(root, 'img[src]', 'src', base);
  return tidy(turndown(root));
}

function resolveAttributes(root: HTMLElement, selector: string, attribute: string, base: string): void {
  for (const element of root.querySelectorAll(selector)) {
    const resolved = resolveUrl(element.getAttribute(attribute) ?? '', base);
    // javascript: links do nothing for a reader, and data: images are kilobytes of base64 noise.
    if (resolved === undefined || resolved.startsWith('javascript:') || resolved.startsWith('data:')) {
      element.removeAttribute(attribute);
    } else {
      element.setAttribute(attribute, resolved);
    }
  }
}

function baseUrl(document: Document, url: string): string {
  const href = document.querySelector('base[href]')?.getAttribute('href');
  return (href === null || href === undefined ? undefined : resolveUrl(href, url)) ?? url;
}

function resolveUrl(value: string, base: string): string | undefined {
  try {
    return new URL(value.trim(), base).href;
  } catch {
    return undefined;
  }
}

// Drops the spaces and tabs that end a line, and keeps at most one blank line in a row, in one pass:
// the pattern this replaces (`/[ \t]+$/gm`) was tried at every position of a long run of spaces.
// Soft hyphens go too: they only say where a browser may break a word, and left in they split
// the word for whoever searches the text ("Wäh\u00adrend" is not "Während") and cost the model tokens.
function tidy(markdown: string): string {
  const lines: string[] = [];
  let blank = false;
  for (const line of markdown.replaceAll(SOFT_HYPHEN, '').split('\n')) {
    const trimmed = trimEndOfLines(line);
    if (trimmed === '' && blank) continue;
    blank = trimmed === '';
    lines.push(trimmed);
  }
  return lines.join('\n').trim();
}

// `$` with the m flag also ends a line before `\r`, U+2028 and U+2029; the text is already split at `\n`.
function trimEndOfLines(line: string): string {
  return line
    .split(/(\r|\u2028|\u2029)/)
    .map((line) => trimCharacters(line, ' \t', 'end'))
    .join('');
}
