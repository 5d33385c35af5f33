import { registerSecret, z } from '@tinyagent/core';
import { clipText, MAX_ECHO_CHARS } from '../clip-text.ts';
import { isHttpUrl, parseOptions, withoutTrailingSlashes } from '../options.ts';
import { parseJsonBody, retryAfterMs } from './search-backend.ts';
import type { SearchBackend, SearchResponse, SearchResult } from './search-backend.ts';
import { WebToolError } from '../web-tool-error.ts';

/** Options of `createBraveBackend`. */
export interface BraveBackendOptions {
  /** The Brave Search API key; defaults to the `BRAVE_SEARCH_API_KEY` environment variable, read at each search. */
  apiKey?: string | undefined;
  /** Base URL of the API; default `https://api.search.brave.com` (tests point it at a local server). */
  endpoint?: string | undefined;
}

/** The environment variable the Brave backend reads its key from. */
export const BRAVE_API_KEY_VARIABLE = 'BRAVE_SEARCH_API_KEY';

const DEFAULT_ENDPOINT = 'https://api.search.brave.com';

const optionsSchema = z.strictObject({
  apiKey: z.string().trim().min(1, 'must not be empty (leave it out to use BRAVE_SEARCH_API_KEY)').optional(),
  endpoint: z
    .string()
    .refine(isHttpUrl, 'must be an http or https URL, such as "https://api.search.brave.com"')
    .default(DEFAULT_ENDPOINT),
});

// The parts of Brave's answers the backend reads: web results, and the error of a failed call
// (documented as `error`, and as an `errors` list in some examples).
const braveAnswer = z.object({
  web: z
    .object({
      results: z
        .array(z.object({ title: z.string().optional(), url: z.string(), description: z.string().optional() }))
        .optional(),
    })
    .optional(),
});
const braveError = z.object({ code: z.string().optional(), detail: z.string().optional() });
const braveErrorAnswer = z.object({ error: braveError.optional(), errors: z.array(braveError).optional() });

/**
 * Creates the Brave Search backend: `GET {endpoint}/res/v1/web/search` with the key in
 * `X-Subscription-Token`. Failures are classified by Brave's `error.code` first (a bad key is a 422
 * `SUBSCRIPTION_TOKEN_INVALID`, not a 401), then by the status. The key never appears in any message.
 */
export function createBraveBackend(options: BraveBackendOptions = {}): SearchBackend {
  const settings = parseOptions('createBraveBackend', optionsSchema, options);
  registerSecret(settings.apiKey);
  const endpoint = withoutTrailingSlashes(settings.endpoint);
  return {
    name: 'Brave Search',
    search: async (request, context) => {
      const apiKey = settings.apiKey ?? process.env[BRAVE_API_KEY_VARIABLE]?.trim();
      if (apiKey === undefined || apiKey === '') {
        throw new WebToolError(
          `web_search has no Brave Search API key: set the ${BRAVE_API_KEY_VARIABLE} environment variable ` +
            '(or pass apiKey to createWebSearch), then try again',
        );
      }
      registerSecret(apiKey);
      const url = new URL(`${endpoint}/res/v1/web/search`);
      url.searchParams.set('q', request.query);
      url.searchParams.set('count', String(request.count));
      if (request.country !== undefined) url.searchParams.set('country', request.country);
      if (request.language !== undefined) url.searchParams.set('search_lang', request.language);
      const response = await context.get(url, { accept: 'application/json', 'x-subscription-token': apiKey });
      if (response.status !== 200) throw braveFailure(response);
      return toResults(parseJsonBody('Brave Search', response));
    },
  };
}

function toResults(body: unknown): SearchResult[] {
  const parsed = braveAnswer.safeParse(body);
  if (!parsed.success) throw new WebToolError('Brave Search answered with JSON of an unexpected shape');
  return (parsed.data.web?.results ?? []).map((result) => ({
    title: result.title ?? result.url,
    url: result.url,
    description: result.description ?? '',
  }));
}

function braveFailure(response: SearchResponse): WebToolError {
  const status = response.status;
  const statusText = clipText(response.statusText, MAX_ECHO_CHARS);
  // What the service said is echoed to the model, so it is cut: a body may hold megabytes.
  const answer = errorOf(response);
  const code = answer.code === undefined ? undefined : clipText(answer.code, MAX_ECHO_CHARS);
  const detail = answer.detail === undefined ? undefined : clipText(answer.detail, MAX_ECHO_CHARS);
  const said = `HTTP ${status}${code === undefined ? '' : ` ${code}`}${detail === undefined ? '' : `: ${detail}`}`;
  if (code === 'SUBSCRIPTION_TOKEN_INVALID' || status === 401) {
    return new WebToolError(
      `Brave Search rejected the API key (${said}). Check ${BRAVE_API_KEY_VARIABLE} or the apiKey option`,
    );
  }
  if (code === 'QUOTA_LIMITED') {
    return new WebToolError(
      `the Brave Search quota of this API key is used up (${said}); searching again will not help until it resets`,
    );
  }
  if (status === 429 || code === 'RATE_LIMITED') {
    const wait = retryAfterMs(response.headers);
    const when = wait === undefined ? 'later' : `in ${Math.ceil(wait / 1000)} s`;
    return new WebToolError(`Brave Search is rate limiting this API key (${said}); try again ${when}`, {
      retryAfterMs: wait ?? 1000,
    });
  }
  if (status === 403) {
    return new WebToolError(`Brave Search refused the request for this API key (${said}); its plan may not include it`);
  }
  if (status === 422 || status === 400) return new WebToolError(`Brave Search rejected the query (${said})`);
  const reason = statusText === '' ? '' : ` ${statusText}`;
  return new WebToolError(`Brave Search answered HTTP ${status}${reason}${code === undefined ? '' : ` (${code})`}`);
}

function errorOf(response: SearchResponse): { code?: string | undefined; detail?: string | undefined } {
  try {
    const parsed = braveErrorAnswer.safeParse(JSON.parse(response.body));
    if (!parsed.success) return {};
    return parsed.data.error ?? parsed.data.errors?.[0] ?? {};
  } catch {
    return {};
  }
}
