// Readability picks the element that holds the article, but keeps what publishers put inside it:
// share bars, "related articles" lists, newsletter boxes, bylines and dates, image credits, comment
// forms. On the development set of issue 21 these made most of the text that should not be there.
// This pass removes them from Readability's article, by the names pages give them (the same
// evidence trafilatura's discard rules use) and by link density (lists of links to other pages).

import { removeWithLabel } from './label-lines.ts';

// Substrings of a class or id that name page furniture rather than text. Matched inside the
// attribute, lowercased, so `post-share-bar` and `relatedPosts` both match.
const FURNITURE_NAMES = [
  'share',
  'sharing',
  'social',
  'related',
  'newsletter',
  'subscribe',
  'cookie',
  'breadcrumb',
  'byline',
  'author',
  'comment',
  'sidebar',
  'widget',
  'footer',
  'tag-list',
  'tags',
  'meta',
  'promo',
  'embed',
  'affiliate',
  'noprint',
  'utility',
  'recommend',
  'textbox',
  'hide',
  // Disclosure and disclaimer boxes ("We recommend the best products…"); then consent banners and
  // other companies' recommendation widgets, from trafilatura's rules.
  'disclosure',
  'disclaimer',
  'consent',
  'outbrain',
  'taboola',
  'most-popular',
];

// Image captions and credits ("Photo: AFP / …"), for a reader who does not see the image. A long
// one is text of its own (a slideshow's story), so only short ones go.
const CAPTION_NAMES = ['caption', 'credit', 'legend', 'img', 'image', 'photo', 'picture'];
const MAX_CAPTION_CHARS = 250;
const MIN_GALLERY_CAPTION_SHARE = 0.5;

// A credit or copyright line ("Foto © Peter Steiger", "… | © Getty Images", "© Shabka 2019") says who
// owns a picture or the page, not what the story says: the largest short block around a © goes,
// with the caption it ends. Only so many are looked at: a page may be full of them.
const COPYRIGHT_SIGN = '©';
const MAX_CREDIT_LINES = 100;
const NOT_CREDIT_CONTAINERS = 'pre, code, table';

// Date, time and reading-time lines ("Updated: 03.04.2020", "5 min read"): short elements only,
// for `date` and `time` are parts of longer names too.
const DATE_NAMES = ['date', 'time'];
const MAX_DATE_CHARS = 80;

// Elements that hold furniture whatever their names; <time> is the date line of a post or a comment.
const FURNITURE_ELEMENTS = 'nav, aside, footer, form, button, time';

// A class or id is read only this far: real ones are short, and the attribute is the page's.
const MAX_NAME_CHARS = 300;

// An element that holds at least this share of the article's text is the article itself, whatever
// its class says (a wrapper named `post-meta-wrapper` around the whole story).
const MAX_REMOVED_SHARE = 0.5;

// A list whose text is mostly the text of its links points elsewhere: related articles, a tag
// cloud, a menu that Readability kept. Lists of a few words stay (they may be a short real list).
const MIN_LIST_LINK_SHARE = 0.7;

// A short paragraph that is mostly a link ("Read also: <a>Another story</a>") points elsewhere too;
// a sentence whose last words are a link is not that.
const MAX_TEASER_CHARS = 200;
const MIN_TEASER_LINK_SHARE = 0.8;

// The longest text that reads as a heading rather than as a passage.
const MAX_TITLE_CHARS = 200;

/**
 * Removes boilerplate from the article Readability extracted (`root`), in place; image captions
 * too unless `keepCaptions` (images are kept, so their captions say something).
 */
export function pruneBoilerplate(root: HTMLElement, keepCaptions: boolean, base: string): void {
  const total = textLength(root);
  const gallery = isGallery(root, total);
  const removable = (element: Element): boolean => textLength(element) < total * MAX_REMOVED_SHARE;
  // Each paragraph's text, read once: a paragraph may hold thousands of date-named elements, and
  // reading it again for each would cost their number times its length.
  const paragraphTexts = new Map<Element, string>();
  const isCaption = (element: Element, names: string): boolean =>
    !keepCaptions &&
    !gallery &&
    (element.nodeName === 'FIGCAPTION' || CAPTION_NAMES.some((name) => names.includes(name))) &&
    textLength(element) <= MAX_CAPTION_CHARS;
  for (const element of [...root.querySelectorAll(FURNITURE_ELEMENTS)]) {
    if (root.contains(element) && removable(element)) removeWithLabel(element, base);
  }
  for (const element of [...root.querySelectorAll('[class], [id], figcaption')]) {
    if (!root.contains(element)) continue;
    const names = namesOf(element);
    const furniture =
      FURNITURE_NAMES.some((name) => names.includes(name)) ||
      isCaption(element, names) ||
      (DATE_NAMES.some((name) => names.includes(name)) &&
        textLength(element) <= MAX_DATE_CHARS &&
        !isDateline(element, paragraphTexts));
    if (furniture && removable(element)) removeWithLabel(element, base);
  }
  if (!keepCaptions && !gallery) removeCreditLines(root, removable, base);
  for (const list of [...root.querySelectorAll('ul, ol')]) {
    if (root.contains(list) && linkShare(list) >= MIN_LIST_LINK_SHARE && removable(list)) removeWithLabel(list, base);
  }
  for (const paragraph of [...root.querySelectorAll('p')]) {
    if (textLength(paragraph) <= MAX_TEASER_CHARS && linkShare(paragraph) >= MIN_TEASER_LINK_SHARE)
      removeWithLabel(paragraph, base);
  }
  dropEmptySections(root);
}

function removeCreditLines(root: HTMLElement, removable: (element: Element) => boolean, base: string): void {
  for (const text of textNodesWith(root, COPYRIGHT_SIGN, MAX_CREDIT_LINES)) {
    // A license header in a code sample, or a © in a table of data, is what the page shows.
    if (!root.contains(text) || text.parentElement?.closest(NOT_CREDIT_CONTAINERS) != null) continue;
    let block: Element | undefined;
    // Climbs while the text stays a caption's length: each step reads a block of at most that much,
    // and the last one read, the first too long, is read once.
    for (let node = text.parentElement; node !== null && node !== root; node = node.parentElement) {
      if (textLength(node) > MAX_CAPTION_CHARS) break;
      block = node;
    }
    if (block !== undefined && removable(block)) removeWithLabel(block, base);
  }
}

// The first `max` text nodes under `root` that contain `sign`, in document order; an explicit
// stack, not recursion: the tree may be deep.
function textNodesWith(root: Element, sign: string, max: number): Text[] {
  const found: Text[] = [];
  const stack: Node[] = [root];
  for (let node = stack.pop(); node !== undefined && found.length < max; node = stack.pop()) {
    if (node.nodeType === 3) {
      if ((node.textContent ?? '').includes(sign)) found.push(node as Text);
    } else {
      for (let child = node.lastChild; child !== null; child = child.previousSibling) stack.push(child);
    }
  }
  return found;
}

/** Whether an element's class or id names page furniture or an image caption. */
export function hasFurnitureName(element: Element): boolean {
  const names = namesOf(element);
  return FURNITURE_NAMES.some((name) => names.includes(name)) || CAPTION_NAMES.some((name) => names.includes(name));
}

// A heading whose section is empty once the furniture is gone ("Related articles" above a list
// that was removed) titles nothing: it goes when the next thing after it is a heading of a higher
// level, or the end of the article. Headings of one level in a row stay: some pages set whole
// passages as headings.
function dropEmptySections(root: HTMLElement): void {
  const items = headingsAndText(root);
  items.forEach((item, index) => {
    if (item === 'text') return;
    const next = items[index + 1];
    if (next === undefined || (next !== 'text' && headingLevel(next) < headingLevel(item))) item.remove();
  });
}

// The article in document order as its headings and the runs of text outside them. An explicit
// stack, not recursion: the tree may be deep.
function headingsAndText(root: HTMLElement): (Element | 'text')[] {
  const items: (Element | 'text')[] = [];
  const stack: Node[] = [...root.childNodes].reverse();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.nodeType === 3) {
      if ((node.textContent ?? '').trim() !== '' && items.at(-1) !== 'text') items.push('text');
    } else if (node.nodeType === 1 && headingLevel(node as Element) <= 6 && isTitle(node as Element)) {
      items.push(node as Element);
    } else if (node.nodeType === 1) {
      for (let child = node.lastChild; child !== null; child = child.previousSibling) stack.push(child);
    }
  }
  return items;
}

// Broken markup can leave a heading open around the whole story; that one is read as text.
function isTitle(heading: Element): boolean {
  return textLength(heading) <= MAX_TITLE_CHARS;
}

// A date-named element that opens a paragraph with more text is the dateline of a news story
// ("KOBE – A total of…"), the start of its first sentence, not a date line.
function isDateline(element: Element, paragraphTexts: Map<Element, string>): boolean {
  const paragraph = element.parentElement?.closest('p');
  if (paragraph === null || paragraph === undefined) return false;
  let text = paragraphTexts.get(paragraph);
  if (text === undefined) {
    text = paragraph.textContent.trim();
    paragraphTexts.set(paragraph, text);
  }
  return text.length > textLength(element) && text.startsWith(element.textContent.trim());
}

// A slideshow tells its story in the captions of its pictures: when <figcaption>s hold half of the
// article's text or more, they are the article, not credits beside it.
function isGallery(root: Element, total: number): boolean {
  let captions = 0;
  for (const caption of root.querySelectorAll('figcaption')) captions += textLength(caption);
  return total > 0 && captions >= total * MIN_GALLERY_CAPTION_SHARE;
}

function headingLevel(element: Element): number {
  const name = element.nodeName;
  return name.length === 2 && name.startsWith('H') && name.charAt(1) >= '1' && name.charAt(1) <= '6'
    ? Number(name.charAt(1))
    : 7;
}

function linkShare(element: Element): number {
  const total = textLength(element);
  if (total === 0) return 0;
  let linked = 0;
  // Only links to pages: an e-mail address or a jump within the page is part of the text.
  for (const link of element.querySelectorAll('a[href]')) if (isPageLink(link)) linked += textLength(link);
  return linked / total;
}

function isPageLink(link: Element): boolean {
  const href = (link.getAttribute('href') ?? '').trim().slice(0, 10).toLowerCase();
  return !href.startsWith('#') && !href.startsWith('mailto:') && !href.startsWith('tel:');
}

function namesOf(element: Element): string {
  const className = (element.getAttribute('class') ?? '').slice(0, MAX_NAME_CHARS);
  return `${className} ${(element.getAttribute('id') ?? '').slice(0, MAX_NAME_CHARS)}`.toLowerCase();
}

function textLength(element: Element): number {
  return element.textContent.trim().length;
}
