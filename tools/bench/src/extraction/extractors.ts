// The extractors the script compares. web_browse runs its own pipeline (decoding, the conversion
// thread pool, Readability, markdown) through @tinyagent/web-tools/internal; the npm candidates get
// the page as web_browse decodes it and run in this thread.
import { extractFromHtml } from '@extractus/article-extractor';
import { Defuddle } from 'defuddle/node';
import { parseHTML } from 'linkedom';
import type * as WebToolsInternalModule from '@tinyagent/web-tools/internal';
import type { DevPage } from './dev-set.ts';
import { htmlToPlainText } from './html-text.ts';
import { markdownToPlainText } from './plain-text.ts';

/** One extractor under test: the plain text it gets out of a page, or why it got none. */
export interface Extractor {
  name: string;
  extract(page: DevPage): Promise<string>;
}

/** What the script needs of `@tinyagent/web-tools/internal` (the workspace's, or a baseline copy's). */
export type WebToolsInternal = typeof WebToolsInternalModule;

// web_browse's defaults: a 10 s deadline per call, 5 MiB per page, no images, link text only.
const DEADLINE_MS = 10_000;
const MAX_BYTES = 5 * 1024 * 1024;
const KEEP = { keepImages: false, keepLinks: false };

/**
 * web_browse's extraction of a page it holds: readPage with the page's gold URL as the address
 * that answered, converting on the shared thread pool under the call's deadline. The scored text is
 * the page's markdown as plain text; the metadata header (title, URL) is not part of it.
 */
export function webBrowseExtractor(name: string, internal: WebToolsInternal): Extractor {
  return {
    name,
    extract: async (page) => {
      const deadline = AbortSignal.timeout(DEADLINE_MS);
      const opened = {
        url: page.url,
        status: 200,
        statusText: 'OK',
        // As a server that names no charset: web_browse then sniffs the page's <meta> declaration.
        contentType: 'text/html',
        headers: {},
        read: (maxBytes: number) =>
          Promise.resolve({ bytes: page.bytes.subarray(0, maxBytes), truncated: page.bytes.byteLength > maxBytes }),
        discard: () => undefined,
      };
      const text = await internal.readPage(opened, MAX_BYTES, (html, url) =>
        internal.sharedConversionPool().convert(html, url, KEEP, deadline),
      );
      return markdownToPlainText(text.content);
    },
  };
}

/** defuddle on linkedom, asked for markdown, which is then read as plain text like web_browse's. */
export function defuddleExtractor(internal: WebToolsInternal): Extractor {
  return {
    name: 'defuddle',
    extract: async (page) => {
      const { document } = parseHTML(internal.decodeBody(page.bytes, 'text/html', true));
      const result = await Defuddle(document, safeUrl(page.url), { markdown: true });
      return markdownToPlainText(result.content);
    },
  };
}

/** @extractus/article-extractor (Readability on linkedom plus its own cleaning); its HTML read as text. */
export function articleExtractor(internal: WebToolsInternal): Extractor {
  return {
    name: 'article-extractor',
    extract: async (page) => {
      const article = await extractFromHtml(internal.decodeBody(page.bytes, 'text/html', true), safeUrl(page.url));
      return htmlToPlainText(article?.content ?? '');
    },
  };
}

// A few gold URLs are labels (`hard://…`), not web addresses; the candidates want a real one.
function safeUrl(url: string): string {
  return url.startsWith('http://') || url.startsWith('https://') ? url : 'https://example.invalid/';
}
