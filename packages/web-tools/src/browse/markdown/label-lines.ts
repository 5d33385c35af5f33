// Publishers title what they append to a story with a short line of its own: "Read also:" above a
// list of links, "Advertisement" above an ad, a bold "Sign up for our newsletter" at the end. Once
// the pass has removed what such a line titles, the line is left alone and says nothing. It is
// found by how it is built, not by its words (which are in every language): a short paragraph that
// is all emphasis, or that ends in a colon.

// The longest line read as a label: a title of a few words, or one short sentence of a call to action.
const MAX_LABEL_CHARS = 100;

// The inline elements a label is set in (a real paragraph is set in plain text, with some emphasis).
const EMPHASIS = new Set(['STRONG', 'B', 'EM', 'I', 'SMALL']);

// Links read to tell a list of sources from a list of the site's own pages; more are not needed.
const MAX_LINKS_READ = 50;

/**
 * Removes `element` and the label line right before it, if there is one, unless `element` links to
 * another site than `base`'s: "Sources:" above a list of references titles text the reader wants,
 * while "Read also:" titles the site's own pages.
 */
export function removeWithLabel(element: Element, base: string): void {
  const previous = element.previousElementSibling;
  const elsewhere = linksElsewhere(element, base);
  element.remove();
  if (previous === null || elsewhere) return;
  if (isEmphasizedLine(previous) || isIntroducingLine(previous)) previous.remove();
}

function linksElsewhere(element: Element, base: string): boolean {
  const host = hostOf(base, undefined);
  for (const link of [...element.querySelectorAll('a[href]')].slice(0, MAX_LINKS_READ)) {
    const target = hostOf((link.getAttribute('href') ?? '').trim(), base);
    if (target !== undefined && target !== host) return true;
  }
  return false;
}

function hostOf(href: string, base: string | undefined): string | undefined {
  try {
    const url = new URL(href, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.hostname.replace(/^www\./, '') : undefined;
  } catch {
    return undefined;
  }
}

function isEmphasizedLine(element: Element): boolean {
  if (element.nodeName !== 'P' || !isShort(element)) return false;
  const only = element.firstElementChild;
  return (
    only !== null &&
    element.children.length === 1 &&
    EMPHASIS.has(only.nodeName) &&
    only.textContent.trim() === element.textContent.trim()
  );
}

function isIntroducingLine(element: Element): boolean {
  return element.nodeName === 'P' && isShort(element) && element.textContent.trim().endsWith(':');
}

function isShort(element: Element): boolean {
  const length = element.textContent.trim().length;
  return length > 0 && length <= MAX_LABEL_CHARS;
}
