import type { Got } from 'got';
import type { IncomingHttpHeaders } from 'node:http';
import { openPage } from '../fetch-page.ts';
import { WebToolError } from '../web-tool-error.ts';

/** One search, as web_search hands it to a backend. */
export interface SearchRequest {
  query: string;
  /** How many results the tool will show; a backend may return more. */
  count: number;
  /** Two-letter country code to search from (`us`, `de`), when configured. */
  country?: string | undefined;
  /** Language code of the results (`en`, `fr`), when configured. */
  language?: string | undefined;
}

/** One search result. `title` and `description` may contain HTML highlights and entities: the tool strips them. */
export interface SearchResult {
  title: string;
  url: string;
  description: string;
}

/** An HTTP response as a search backend sees it. */
export interface SearchResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** The body decoded as UTF-8. */
  body: string;
}

/** What web_search gives a backend for one search. */
export interface SearchContext {
  /** Aborted when the call is cancelled; `get` already honours it. */
  signal: AbortSignal;
  /**
   * GETs a URL through the tool's HTTP client (keep-alive agent, timeout, the call's signal).
   * Resolves with any status; rejects on network failures and timeouts, which the tool reports.
   * `headers` go to the URL's origin only: a redirect to another origin is followed without them,
   * so an API key never reaches a host it was not meant for.
   */
  get(url: URL, headers?: Readonly<Record<string, string>>): Promise<SearchResponse>;
}

/**
 * A search service behind web_search. Brave is the default; `createSearxngBackend` is another, and
 * any object with this shape plugs in through `createWebSearch({ backend })`. Throw WebToolError for
 * failures the model should hear about (with `retryAfterMs` when a retry may help).
 */
export interface SearchBackend {
  /** The service's name, used in messages (`Brave Search`). */
  readonly name: string;
  search(request: SearchRequest, context: SearchContext): Promise<SearchResult[]>;
}

// Search answers are a few kilobytes; a server sending more than this is not a search service.
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Creates the context a backend searches with, over one tool's got instance. */
export function createSearchContext(client: Got, signal: AbortSignal, timeoutMs: number): SearchContext {
  return {
    signal,
    get: async (url, headers = {}) => {
      const page = await openPage(client, url, {
        headers: { ...headers },
        signal,
        timeoutMs,
        originBoundHeaders: Object.keys(headers),
      });
      const body = await page.read(MAX_RESPONSE_BYTES);
      if (body.truncated) throw new WebToolError(`${url.host} sent a response larger than 4 MB`);
      return {
        status: page.status,
        statusText: page.statusText,
        headers: page.headers,
        body: new TextDecoder('utf-8').decode(body.bytes),
      };
    },
  };
}

/**
 * How long a 429 response asks to wait, in milliseconds: from `retry-after` (seconds or an HTTP
 * date), else from the first value of `x-ratelimit-reset` (Brave's seconds until the window resets).
 */
export function retryAfterMs(headers: IncomingHttpHeaders, now: number = Date.now()): number | undefined {
  const retryAfter = first(headers['retry-after'])?.trim();
  if (retryAfter !== undefined && retryAfter !== '') {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = first(headers['x-ratelimit-reset'])?.split(',')[0]?.trim();
  return reset !== undefined && /^\d+$/.test(reset) ? Number(reset) * 1000 : undefined;
}

/** Parses a JSON body, or throws a WebToolError saying that `service` did not answer with JSON. */
export function parseJsonBody(service: string, response: SearchResponse): unknown {
  try {
    return JSON.parse(response.body);
  } catch {
    const type = first(response.headers['content-type']) ?? 'no content type';
    throw new WebToolError(`${service} answered with something that is not JSON (${type}); try again later`);
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
