// Readability misses text in two common ways, seen on the development set of issue 21:
// - it picks too small a part of the page (a teaser box, a short block beside the story, the story
//   hidden in <noscript> for readers without JavaScript). trafilatura guards its own extraction the
//   same way in the other direction (core.py, compare_extraction): it takes the other algorithm's
//   text when that is more than twice as long. The other candidate here is the element whose own
//   paragraphs hold the most text;
// - it drops the lead that publishers set apart above the story's body, in the same <article>: an
//   intro box, a standfirst in the article's <header>, a deck set as an <h2>.
// Both are read from the page before Readability takes the document apart, and copied.
import { hasFurnitureName } from './boilerplate.ts';

/** What the page offers beside Readability's article. */
export interface ArticleCandidates {
  /** A copy of the element whose child paragraphs hold the most text. */
  block: HTMLElement;
  /** The start of that block's text, to tell whether another article holds the same story. */
  anchor: string;
  /** Copies of the lead paragraphs and headings above the block in its <article>, in page order. */
  leads: HTMLElement[];
}

// A paragraph shorter than this is a label, a date or a button rather than text of the story
// (Readability ignores paragraphs under 25 characters when it scores, for the same reason).
const MIN_PARAGRAPH_CHARS = 25;

// The anchor is this long: enough to be unique in a page, short enough that searching the whole
// article for it costs at most a small multiple of the article's length.
const ANCHOR_CHARS = 80;

// A lead is a few blocks of at most a long paragraph each; beyond either, what sits above the
// story in its <article> is something else (a gallery, a table of contents), and the bound keeps
// the search for each lead in the article's text short.
const MAX_LEADS = 5;
const MAX_LEAD_CHARS = 1000;

// A lead the article already has is at its top; looking only there keeps each search short
// (a substring search can cost the product of both lengths on text made for it).
const LEAD_SEARCH_CHARS = 10_000;

// A lead is prose: a block whose text is mostly links is a teaser of other pages.
const MAX_LEAD_LINK_SHARE = 0.5;

// The title is already in the page's header, so a lead is a paragraph or a lower heading.
const LEAD_ELEMENTS = 'p, h2, h3, h4, h5, h6';

// Where a paragraph is not part of the story whatever it says.
const NOT_LEAD_CONTAINERS = 'nav, aside, footer, figure, form, li';

/**
 * Finds the page's densest block of paragraphs and the leads above it; undefined on a page without
 * paragraphs, or when that block is chrome or inside chrome (`isChrome`: hidden, navigation…).
 */
export function findCandidates(
  document: Document,
  isChrome: (element: Element) => boolean,
): ArticleCandidates | undefined {
  const sums = new Map<Element, number>();
  for (const paragraph of document.querySelectorAll('p')) {
    const length = proseLength(paragraph);
    if (paragraph.parentElement !== null && length >= MIN_PARAGRAPH_CHARS) {
      sums.set(paragraph.parentElement, (sums.get(paragraph.parentElement) ?? 0) + length);
    }
  }
  let block: Element | undefined;
  let most = 0;
  for (const [element, sum] of sums) {
    if (sum > most) [block, most] = [element, sum];
  }
  if (block === undefined || isWithin(block, null, isChrome)) return undefined;
  const first = [...block.children].find(
    (child) => child.nodeName === 'P' && proseLength(child) >= MIN_PARAGRAPH_CHARS,
  );
  return {
    block: block.cloneNode(true) as HTMLElement,
    anchor: normalizeSpace(first?.textContent ?? '').slice(0, ANCHOR_CHARS),
    leads: leadsAbove(block, isChrome),
  };
}

// trafilatura's margin: a candidate must be more than twice as long to overrule the other.
const OVERRULING_RATIO = 2;

/**
 * The article to convert: Readability's (`article`), or the densest block when that holds more
 * than twice its text once `removeChrome` has cleaned it; with the leads the article lacks put first.
 */
export function completeArticle(
  article: HTMLElement | undefined,
  candidates: ArticleCandidates | undefined,
  removeChrome: (root: HTMLElement) => void,
): HTMLElement | undefined {
  if (candidates === undefined) return article;
  const { block, anchor, leads } = candidates;
  const needed = OVERRULING_RATIO * (article === undefined ? 0 : textLength(article));
  // Removing chrome only shortens the block: it is cleaned, and measured again, only when it may win.
  let overrules = textLength(block) > needed;
  if (overrules) {
    removeChrome(block);
    overrules = textLength(block) > needed;
  }
  const chosen = overrules ? block : article;
  if (chosen === undefined || leads.length === 0) return chosen;
  // Leads belong to the densest block's story: an article without that story gets none of them.
  const text = normalizeSpace(chosen.textContent);
  if (!text.includes(anchor)) return chosen;
  const top = text.slice(0, LEAD_SEARCH_CHARS);
  for (const lead of leads.toReversed()) {
    if (!top.includes(normalizeSpace(lead.textContent))) chosen.insertBefore(lead, chosen.firstChild);
  }
  return chosen;
}

function leadsAbove(block: Element, isChrome: (element: Element) => boolean): HTMLElement[] {
  const article = block.closest('article');
  if (article === null) return [];
  const leads: HTMLElement[] = [];
  for (const element of article.querySelectorAll(LEAD_ELEMENTS)) {
    if (block.contains(element) || leads.length === MAX_LEADS) break;
    const length = element.textContent.trim().length;
    if (length < MIN_PARAGRAPH_CHARS || length > MAX_LEAD_CHARS) continue;
    if (proseLength(element) < length * (1 - MAX_LEAD_LINK_SHARE)) continue;
    if (element.closest(NOT_LEAD_CONTAINERS) !== null) continue;
    // A caption or a disclosure box above the story is named so on the element or on a wrapper.
    if (isWithin(element, article, (node) => hasFurnitureName(node) || isChrome(node))) continue;
    leads.push(element.cloneNode(true) as HTMLElement);
  }
  return leads;
}

// Whether `element` or one of its ancestors below `top` is what `test` looks for.
function isWithin(element: Element, top: Element | null, test: (node: Element) => boolean): boolean {
  for (let node: Element | null = element; node !== null && node !== top; node = node.parentElement) {
    if (test(node)) return true;
  }
  return false;
}

function textLength(element: Element): number {
  return element.textContent.trim().length;
}

// The text of an element that is not link text.
function proseLength(element: Element): number {
  let length = element.textContent.trim().length;
  for (const link of element.querySelectorAll('a')) length -= link.textContent.trim().length;
  return length;
}

/** Text with each run of whitespace as one space, trimmed; a linear pass, for text of the page. */
export function normalizeSpace(text: string): string {
  return text.split(/\s+/).join(' ').trim();
}
