import { parseHTML } from 'linkedom';

// One small document reused as a scratch pad: linkedom's parser knows every HTML entity, which a
// hand-written table would not.
let scratch: HTMLElement | undefined;

/**
 * Turns a snippet of HTML (a search result title with `<strong>` highlights, `&amp;` and `&#39;`
 * entities) into plain text with collapsed whitespace.
 */
export function htmlToPlainText(html: string): string {
  if (!/[<&]/.test(html)) return html.replace(/\s+/g, ' ').trim();
  scratch ??= parseHTML('<!doctype html><html><body><div></div></body></html>').document.querySelector(
    'div',
  ) as HTMLElement;
  scratch.innerHTML = html;
  const text = scratch.textContent;
  scratch.innerHTML = '';
  return text.replace(/\s+/g, ' ').trim();
}
