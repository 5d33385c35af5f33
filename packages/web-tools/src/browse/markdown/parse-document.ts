import { parseHTML } from 'linkedom';

// linkedom is fast because it does not run the HTML standard's tree construction: a page that
// leaves out the optional <html>, <head> or <body> tags (valid HTML, common on minimal pages) comes
// out without a body, and an empty string without a document element at all. Such documents are
// rebuilt into the shape the standard would give them before Readability sees them.

const HEAD_ELEMENTS = new Set(['BASE', 'LINK', 'META', 'NOSCRIPT', 'SCRIPT', 'STYLE', 'TEMPLATE', 'TITLE']);

/** Parses an HTML string into a document that always has `<html>`, `<head>` and `<body>`. */
export function parseDocument(html: string): Document {
  const { document } = parseHTML(html);
  return isWellFormed(document) ? document : rebuild(document);
}

function isWellFormed(document: Document): boolean {
  const root = document.documentElement as HTMLElement | null;
  if (root?.nodeName !== 'HTML') return false;
  return [...root.childNodes].every(
    (node) => node.nodeName === 'HEAD' || node.nodeName === 'BODY' || isIgnorable(node),
  );
}

function rebuild(parsed: Document): Document {
  const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>');
  const { head, body } = document;
  const root = parsed.documentElement as HTMLElement | null;
  for (const attribute of root?.nodeName === 'HTML' ? [...root.attributes] : []) {
    document.documentElement.setAttribute(attribute.name, attribute.value);
  }
  let inBody = false;
  const place = (node: Node): void => {
    if (node.nodeName === 'HEAD' || node.nodeName === 'BODY' || node.nodeName === 'HTML') {
      if (node.nodeName === 'BODY') inBody = true;
      for (const child of [...node.childNodes]) place(child);
      return;
    }
    if (isIgnorable(node)) return;
    // As in the standard's "in head" mode: metadata stays in the head until the first content.
    if (!inBody && node.nodeType === 1 && HEAD_ELEMENTS.has(node.nodeName)) {
      head.appendChild(node);
    } else {
      inBody = true;
      body.appendChild(node);
    }
  };
  for (const node of [...parsed.childNodes]) place(node);
  return document;
}

function isIgnorable(node: Node): boolean {
  if (node.nodeType === 3) return (node.textContent ?? '').trim() === '';
  return node.nodeType === 8 || node.nodeType === 10; // comments and the doctype
}
