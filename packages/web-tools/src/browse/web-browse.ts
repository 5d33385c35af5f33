import { redactSecrets, tool, z } from '@tinyagent/core';
import { abortReason, MAX_DELAY_MS } from '@tinyagent/core/internal';
import type { RunScope, Tool } from '@tinyagent/core';
import { BlockedAddressError, createAddressGuard } from './address-guard.ts';
import { clipLine, clipText, MAX_ERROR_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS } from '../clip-text.ts';
import type { DnsLookup } from './address-guard.ts';
import { parseCidr } from './address-ranges.ts';
import { openPage } from '../fetch-page.ts';
import { createHttpClient, DEFAULT_USER_AGENT } from '../http-client.ts';
import { sharedConversionPool } from './markdown/convert-pool.ts';
import { DELAY_BOUND, parseOptions } from '../options.ts';
import { takeWindow } from './page-window.ts';
import type { PageWindow } from './page-window.ts';
import { readPage } from './read-page.ts';
import type { PageText } from './read-page.ts';
import { describeRequestError } from '../request-errors.ts';
import { WebToolError } from '../web-tool-error.ts';

/** Options of `createWebBrowse`; every one has a default. */
export interface WebBrowseOptions {
  /** Gives up on a page after this long, redirects, body and conversion to markdown included; default 10 000. */
  timeoutMs?: number | undefined;
  /** Reads at most this many (decompressed) bytes of a page; a bigger page is cut and says so. Default 5 MiB. */
  maxBytes?: number | undefined;
  /** Returns at most this many characters per call (≈ 8 k tokens by default: 28 000); the rest comes with `offset`. */
  maxChars?: number | undefined;
  /** Follows at most this many redirects; default 10. */
  maxRedirects?: number | undefined;
  /** The User-Agent sent unless the call gives its own. */
  userAgent?: string | undefined;
  /** Keep images as `![alt](url)` (dropped by default: they cost tokens and say little to a model). */
  keepImages?: boolean | undefined;
  /** Keep link targets as `[text](url)` (by default only the link text stays). */
  keepLinks?: boolean | undefined;
  /**
   * Turns the SSRF guard off: loopback, private, link-local, CGNAT and cloud-metadata addresses
   * become reachable. Only for agents whose users may reach everything the host can.
   */
  allowPrivateNetwork?: boolean | undefined;
  /** Addresses or CIDR ranges the guard lets through although they are private, e.g. `['10.1.2.3', '10.8.0.0/16']`. */
  allowedAddresses?: readonly string[] | undefined;
  /** Resolves host names instead of `dns.lookup` (a DNS cache, a custom resolver); the guard checks what it returns. */
  dnsLookup?: DnsLookup | undefined;
}

const optionsSchema = z.strictObject({
  timeoutMs: z.number().positive().max(MAX_DELAY_MS, DELAY_BOUND).default(10_000),
  maxBytes: z
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  maxChars: z.int().min(500).default(28_000),
  maxRedirects: z.int().min(0).max(50).default(10),
  userAgent: z.string().trim().min(1).default(DEFAULT_USER_AGENT),
  keepImages: z.boolean().default(false),
  keepLinks: z.boolean().default(false),
  allowPrivateNetwork: z.boolean().default(false),
  allowedAddresses: z
    .array(z.string().refine(isCidr, 'must be an IP address or CIDR range, such as "10.1.2.3" or "10.8.0.0/16"'))
    .default([]),
  dnsLookup: z
    .custom<DnsLookup>((value) => typeof value === 'function', 'must be a function like dns.lookup')
    .optional(),
});

const parameters = z.object({
  url: z.string().describe('The http or https URL of the page to read.'),
  headers: z
    .record(z.string(), z.string())
    .optional()
    .describe('Optional extra HTTP request headers, e.g. {"Accept-Language": "de"}.'),
  offset: z
    .int()
    .min(0)
    .optional()
    .describe('Where to continue a long page, in characters; the previous part says which offset to use.'),
});

/** The arguments web_browse takes. */
export type WebBrowseArguments = z.output<typeof parameters>;

const ACCEPT =
  'text/html,application/xhtml+xml;q=0.9,text/markdown;q=0.9,text/plain;q=0.8,application/json;q=0.8,*/*;q=0.5';

// Parts of a long page stay in the run's store, so that reading on with `offset` neither fetches
// the page again nor sees it shift if it changed meanwhile.
const CACHED_PAGES_PER_RUN = 8;

/**
 * Creates a web_browse tool: it fetches one page over http(s) and returns its main content as
 * markdown (HTML through Readability and turndown; text, markdown, JSON and XML as they are).
 * Failures the model can act on come back as text beginning `Error:`; an abort of the call's
 * signal rejects. Throws ConfigurationError for invalid options.
 */
export function createWebBrowse(options: WebBrowseOptions = {}): Tool<WebBrowseArguments, Promise<string>> {
  const settings = parseOptions('createWebBrowse', optionsSchema, options);
  const guard = settings.allowPrivateNetwork
    ? undefined
    : createAddressGuard({ allowedAddresses: settings.allowedAddresses, dnsLookup: settings.dnsLookup });
  const client = createHttpClient({ ...settings, guard, dnsLookup: settings.dnsLookup });
  const keep = { keepImages: settings.keepImages, keepLinks: settings.keepLinks };
  const cacheKey = Symbol('web_browse pages');

  const fetchText = async (target: URL, headers: Record<string, string>, signal: AbortSignal): Promise<PageText> => {
    guard?.checkHost(target);
    // One deadline for the whole call: the conversion too, or a page built to be slow would hold a
    // thread of the process-wide pool long after the call should have given up.
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(settings.timeoutMs)]);
    const page = await openPage(client, target, {
      headers: { accept: ACCEPT, ...headers },
      signal: deadline,
      timeoutMs: settings.timeoutMs,
    });
    return readPage(page, settings.maxBytes, async (html, url) => {
      try {
        return await sharedConversionPool().convert(html, url, keep, deadline);
      } catch (error) {
        if (signal.aborted || !deadline.aborted) throw error;
        throw new WebToolError(
          `${clipText(url, MAX_URL_CHARS)} could not be converted to markdown within the time limit of ${formatSeconds(settings.timeoutMs)} ` +
            '(the page is too large or too intricate); try another source',
          { cause: error },
        );
      }
    });
  };

  return tool({
    name: 'web_browse',
    description:
      'Read a web page: fetches the URL and returns its main content as markdown (title, text, lists, tables, ' +
      'code), without navigation or ads. Long pages come in parts; the end of a part says which offset to ' +
      'call again with to read on.',
    parameters,
    execute: async ({ url, headers = {}, offset = 0 }, { signal, run }) => {
      const requestHeaders = lowerCaseKeys(headers);
      const key = `${url}\n${JSON.stringify(Object.entries(requestHeaders).sort())}`;
      try {
        const target = parseTarget(url);
        const cached = offset > 0 ? pageCache(run, cacheKey).get(key) : undefined;
        const page = cached ?? (await fetchText(target, requestHeaders, signal));
        const window = takeWindow(page.content, offset, settings.maxChars);
        if (window.end < window.total) remember(pageCache(run, cacheKey), key, page);
        return redactSecrets(formatPage(page, window));
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        const failure = describeFailure(error, clipText(url, MAX_URL_CHARS), settings);
        return redactSecrets(clipText(`Error: ${failure}`, MAX_ERROR_CHARS));
      }
    },
  });
}

/** The ready-made web_browse tool with the default options (SSRF guard on). */
export const webBrowse: Tool<WebBrowseArguments, Promise<string>> = createWebBrowse();

function parseTarget(url: string): URL {
  let target: URL;
  try {
    target = new URL(url.trim());
  } catch {
    throw new WebToolError(
      `${JSON.stringify(clipText(url, MAX_URL_CHARS))} is not a valid URL: give an absolute http or https URL, ` +
        'such as https://example.com/page',
    );
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new WebToolError(
      `web_browse reads only http and https URLs, not ${clipText(target.protocol, MAX_URL_CHARS)} URLs`,
    );
  }
  return target;
}

function formatPage(page: PageText, window: PageWindow): string {
  const header = [
    ...(page.title === undefined ? [] : [`Title: ${clipLine(page.title, MAX_TITLE_CHARS)}`]),
    `URL: ${clipText(page.url, MAX_URL_CHARS)}`,
    ...(window.start > 0 ? [`Part: characters ${window.start} to ${window.end} of ${window.total}`] : []),
  ];
  const notes: string[] = [];
  if (window.end < window.total) {
    notes.push(
      `[Cut here: ${window.total - window.end} of the page's ${window.total} characters are not shown. ` +
        `To read on, call web_browse again with the same url and offset ${window.end}.]`,
    );
  }
  if (page.truncatedAtBytes !== undefined) {
    notes.push(
      `[The page is larger than ${formatBytes(page.truncatedAtBytes)}: only its first ` +
        `${formatBytes(page.truncatedAtBytes)} were read, so the end of the page is missing.]`,
    );
  }
  return [header.join('\n'), window.text, ...notes].join('\n\n');
}

function describeFailure(error: unknown, url: string, settings: { timeoutMs: number; maxRedirects: number }): string {
  if (error instanceof RangeError) return `${error.message}.`;
  // A refused IP-literal host arrives unwrapped by got; it is a WebToolError too, but its message
  // needs the sentence around it that says what was refused and what may be fetched instead.
  if (WebToolError.isInstance(error) && !(error instanceof BlockedAddressError)) return `${error.message}.`;
  return describeRequestError(error, { target: url, ...settings });
}

function pageCache(run: RunScope, key: symbol): Map<string, PageText> {
  let cache = run.store.get(key) as Map<string, PageText> | undefined;
  if (cache === undefined) {
    cache = new Map();
    run.store.set(key, cache);
  }
  return cache;
}

function remember(cache: Map<string, PageText>, key: string, page: PageText): void {
  cache.delete(key);
  cache.set(key, page);
  // Maps iterate in insertion order: the first key is the least recently read page.
  for (const oldest of cache.keys()) {
    if (cache.size <= CACHED_PAGES_PER_RUN) break;
    cache.delete(oldest);
  }
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function isCidr(value: string): boolean {
  try {
    parseCidr(value);
    return true;
  } catch {
    return false;
  }
}

function formatSeconds(milliseconds: number): string {
  return `${Number((milliseconds / 1000).toFixed(2))} s`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
