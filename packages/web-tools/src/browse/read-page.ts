import { redactSecrets } from '@tinyagent/core';
import { decodeBody } from './charset.ts';
import { clipText, MAX_ECHO_CHARS, MAX_URL_CHARS } from '../clip-text.ts';
import { classifyContentType, mediaType, sniffContent } from './content-type.ts';
import type { OpenedPage } from '../fetch-page.ts';
import type { ReadablePage } from './markdown/html-to-markdown.ts';
import { WebToolError } from '../web-tool-error.ts';

/** A fetched page as the model will read it. */
export interface PageText {
  /** The address that answered, after redirects. */
  url: string;
  title: string | undefined;
  /** Markdown for HTML, the text itself for text formats. */
  content: string;
  /** Set when the body was larger than the byte cap and was cut there. */
  truncatedAtBytes: number | undefined;
}

// turndown escapes the brackets of the `[redacted]` that replaced a key in the HTML.
const ESCAPED_REDACTION = '\\[redacted\\]';

/** Converts one HTML page, fetched from `url`, into readable markdown. */
export type PageConverter = (html: string, url: string) => Promise<ReadablePage>;

/**
 * Turns an opened response into readable text: refuses a non-2xx status or a binary type before
 * reading the body, reads at most `maxBytes`, decodes it in its charset, and converts HTML to
 * markdown. Each refusal is a WebToolError with its own message.
 */
export async function readPage(page: OpenedPage, maxBytes: number, convert: PageConverter): Promise<PageText> {
  // The address that answered, as messages show it: a redirect may have made it long.
  const shownUrl = clipText(page.url, MAX_URL_CHARS);
  if (page.status < 200 || page.status > 299) {
    page.discard();
    const reason = page.statusText === '' ? '' : ` ${clipText(page.statusText, MAX_ECHO_CHARS)}`;
    throw new WebToolError(`${shownUrl} answered HTTP ${page.status}${reason}${statusHint(page.status)}`);
  }
  let kind = classifyContentType(page.contentType);
  if (kind === 'unsupported') {
    page.discard();
    throw unsupported(shownUrl, clipText(mediaType(page.contentType), MAX_ECHO_CHARS));
  }
  const body = await page.read(maxBytes);
  if (body.bytes.byteLength === 0) {
    throw new WebToolError(`${shownUrl} returned an empty page (HTTP ${page.status}, no content)`);
  }
  if (kind === 'unknown') kind = sniffContent(body.bytes);
  if (kind === 'unsupported') {
    throw unsupported(shownUrl, clipText(mediaType(page.contentType), MAX_ECHO_CHARS) || 'binary');
  }
  const isHtml = kind === 'html';
  // Redacted here, before the text is reshaped: turndown writes a key's `_` as `\_`, and a part
  // boundary may cut a key in two; redaction of the result would then see neither whole.
  const text = redactSecrets(decodeBody(body.bytes, page.contentType, isHtml));
  const truncatedAtBytes = body.truncated ? maxBytes : undefined;
  if (!isHtml) {
    if (text.trim() === '') throw new WebToolError(`${shownUrl} returned a page that is only whitespace`);
    return { url: page.url, title: undefined, content: text.trim(), truncatedAtBytes };
  }
  const readable = await convertSafely(convert, text, page.url, shownUrl);
  if (readable.markdown === '') {
    throw new WebToolError(
      `${shownUrl} has no readable text (its content may be drawn by JavaScript, which web_browse does not run)`,
    );
  }
  // Again after conversion, for a key that markup had split (`sk-…<wbr>…`) and conversion joined.
  const content = redactSecrets(readable.markdown).replaceAll(ESCAPED_REDACTION, '[redacted]');
  const title = readable.title === undefined ? undefined : redactSecrets(readable.title);
  return { url: page.url, title, content, truncatedAtBytes };
}

async function convertSafely(
  convert: PageConverter,
  html: string,
  url: string,
  shownUrl: string,
): Promise<ReadablePage> {
  try {
    return await convert(html, url);
  } catch (error) {
    if (WebToolError.isInstance(error)) throw error;
    // A page that trips the parser or Readability is a page the model cannot read, not a crash.
    const reason = clipText(error instanceof Error ? error.message : String(error), MAX_ECHO_CHARS);
    throw new WebToolError(`${shownUrl} could not be converted to markdown (${reason})`, { cause: error });
  }
}

function unsupported(url: string, type: string): WebToolError {
  return new WebToolError(
    `${url} is ${type} content, which web_browse cannot read: it reads HTML, plain text, markdown, JSON and XML`,
  );
}

function statusHint(status: number): string {
  if (status === 404 || status === 410) return ' (the page does not exist: check the URL or search for it)';
  if (status === 401 || status === 403) return ' (the site refuses access to this page)';
  if (status === 429) return ' (the site is rate limiting requests: try again later)';
  if (status >= 500) return ' (the site has a problem: try again later or use another source)';
  return '';
}
