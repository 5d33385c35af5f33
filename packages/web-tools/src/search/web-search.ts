import { redactSecrets, registerSecret, tool, z } from '@tinyagent/core';
import { abortReason, MAX_DELAY_MS, sleep } from '@tinyagent/core/internal';
import type { Tool } from '@tinyagent/core';
import { createBraveBackend } from './brave-search.ts';
import {
  clipLine,
  clipText,
  MAX_DESCRIPTION_CHARS,
  MAX_ERROR_CHARS,
  MAX_TITLE_CHARS,
  MAX_URL_CHARS,
} from '../clip-text.ts';
import { createHttpClient, DEFAULT_USER_AGENT } from '../http-client.ts';
import { DELAY_BOUND, parseOptions } from '../options.ts';
import { htmlToPlainText } from './plain-text.ts';
import { describeRequestError } from '../request-errors.ts';
import { createSearchContext } from './search-backend.ts';
import type { SearchBackend, SearchRequest, SearchResult } from './search-backend.ts';
import { WebToolError } from '../web-tool-error.ts';

/** Options of `createWebSearch`; every one has a default. */
export interface WebSearchOptions {
  /** The search service; default Brave Search (`createBraveBackend({ apiKey, endpoint })`). */
  backend?: SearchBackend | undefined;
  /** Brave Search API key; default the `BRAVE_SEARCH_API_KEY` environment variable. Only with the default backend. */
  apiKey?: string | undefined;
  /** Brave Search API base URL; default `https://api.search.brave.com`. Only with the default backend. */
  endpoint?: string | undefined;
  /** How many results to show, 1 to 20; default 3. */
  count?: number | undefined;
  /** Country to search from, as a two-letter code (`us`, `de`) or `ALL`; default the service's own. */
  country?: string | undefined;
  /** Language of the results (`en`, `fr`); default the service's own. */
  searchLang?: string | undefined;
  /** Gives up on one request after this long; default 10 000. */
  timeoutMs?: number | undefined;
  /** A rate-limited search is retried once if the service asks to wait at most this long; default 2 000. */
  maxRetryWaitMs?: number | undefined;
  /** The User-Agent sent to the service. */
  userAgent?: string | undefined;
}

const backendSchema = z.custom<SearchBackend>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SearchBackend).name === 'string' &&
    typeof (value as SearchBackend).search === 'function',
  'must be a SearchBackend: an object with a name and a search(request, context) method',
);

const optionsSchema = z
  .strictObject({
    backend: backendSchema.optional(),
    apiKey: z.string().optional(),
    endpoint: z.string().optional(),
    count: z.int().min(1).max(20).default(3),
    country: z.string().trim().min(2).optional(),
    searchLang: z.string().trim().min(2).optional(),
    timeoutMs: z.number().positive().max(MAX_DELAY_MS, DELAY_BOUND).default(10_000),
    maxRetryWaitMs: z.number().min(0).max(MAX_DELAY_MS, DELAY_BOUND).default(2_000),
    userAgent: z.string().trim().min(1).default(DEFAULT_USER_AGENT),
  })
  .refine(
    (options) => options.backend === undefined || (options.apiKey === undefined && options.endpoint === undefined),
    {
      message: 'apiKey and endpoint configure the default Brave backend; with your own backend, configure it instead',
    },
  );

const parameters = z.object({
  query: z
    .string()
    .trim()
    .min(1, 'the search query must not be empty')
    .max(400, 'the search query must be at most 400 characters')
    .describe('What to search the web for, as you would type it into a search engine.'),
});

/** The arguments web_search takes. */
export type WebSearchArguments = z.output<typeof parameters>;

/**
 * Creates a web_search tool: it asks a search service (Brave Search unless `backend` says
 * otherwise) and returns the top results as `1. title\n   description\n   url`, joined by blank
 * lines. Failures the model can act on (no key, a rejected key, rate limits, timeouts) come back
 * as text beginning `Error:`; an abort of the call's signal rejects. Throws ConfigurationError for
 * invalid options. Keys never appear in results or errors.
 */
export function createWebSearch(options: WebSearchOptions = {}): Tool<WebSearchArguments, Promise<string>> {
  const settings = parseOptions('createWebSearch', optionsSchema, options);
  registerSecret(settings.apiKey);
  const backend = settings.backend ?? createBraveBackend({ apiKey: settings.apiKey, endpoint: settings.endpoint });
  const client = createHttpClient({ ...settings, maxRedirects: 5, guard: undefined, dnsLookup: undefined });
  const failure = { target: backend.name, timeoutMs: settings.timeoutMs, maxRedirects: 5 };

  return tool({
    name: 'web_search',
    description:
      'Search the web. Returns the top results, each with its title, a short description and its URL; ' +
      'read a result in full with web_browse.',
    parameters,
    execute: async ({ query }, { signal }) => {
      const request: SearchRequest = {
        query,
        count: settings.count,
        country: settings.country,
        language: settings.searchLang,
      };
      try {
        const search = (): Promise<SearchResult[]> =>
          backend.search(request, createSearchContext(client, signal, settings.timeoutMs));
        const results = await retryOnce(search, settings.maxRetryWaitMs, signal);
        return redactSecrets(formatResults(results.slice(0, settings.count)));
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        const message = WebToolError.isInstance(error) ? `${error.message}.` : describeRequestError(error, failure);
        return redactSecrets(clipText(`Error: ${message}`, MAX_ERROR_CHARS));
      }
    },
  });
}

/** The ready-made web_search tool: Brave Search with the key from `BRAVE_SEARCH_API_KEY`. */
export const webSearch: Tool<WebSearchArguments, Promise<string>> = createWebSearch();

// Honour one short retry-after: a burst limit often clears within a second, and a model that
// hears "rate limited" tends to give up on the search altogether.
async function retryOnce<T>(work: () => Promise<T>, maxWaitMs: number, signal: AbortSignal): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const wait = WebToolError.isInstance(error) ? error.retryAfterMs : undefined;
    if (wait === undefined || wait > maxWaitMs) throw error;
    await sleep(wait, signal);
    return work();
  }
}

function formatResults(results: readonly SearchResult[]): string {
  const lines = results.map((result, index) => {
    // Cut before the HTML is parsed too: a server's megabytes need not be parsed to be dropped.
    const url = clipLine(result.url, MAX_URL_CHARS);
    const title = clipText(htmlToPlainText(result.title.slice(0, MAX_TITLE_CHARS * 8)), MAX_TITLE_CHARS) || url;
    const description = clipText(
      htmlToPlainText(result.description.slice(0, MAX_DESCRIPTION_CHARS * 8)),
      MAX_DESCRIPTION_CHARS,
    );
    return [`${index + 1}. ${title}`, ...(description === '' ? [] : [`   ${description}`]), `   ${url}`].join('\n');
  });
  return lines.length === 0 ? 'No search results found' : lines.join('\n\n');
}
