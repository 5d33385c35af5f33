import { z } from '@tinyagent/core';
import { isHttpUrl, parseOptions, withoutTrailingSlashes } from '../options.ts';
import { parseJsonBody, retryAfterMs } from './search-backend.ts';
import type { SearchBackend } from './search-backend.ts';
import { WebToolError } from '../web-tool-error.ts';

/** Options of `createSearxngBackend`. */
export interface SearxngBackendOptions {
  /** Base URL of the SearXNG instance, e.g. `http://localhost:8888`. */
  endpoint: string;
}

const optionsSchema = z.strictObject({
  endpoint: z.string().refine(isHttpUrl, 'must be the http or https URL of a SearXNG instance'),
});

const searxngAnswer = z.object({
  results: z
    .array(z.object({ title: z.string().optional(), url: z.string(), content: z.string().optional() }))
    .optional(),
});

/**
 * Creates a backend for a SearXNG instance (self-hosted metasearch, no key): `GET {endpoint}/search`
 * with `format=json`. The instance must allow the JSON format (`search.formats` in its settings.yml);
 * when it does not, SearXNG answers 403 and the tool says so.
 */
export function createSearxngBackend(options: SearxngBackendOptions): SearchBackend {
  const { endpoint } = parseOptions('createSearxngBackend', optionsSchema, options);
  const base = withoutTrailingSlashes(endpoint);
  return {
    name: 'SearXNG',
    search: async (request, context) => {
      const url = new URL(`${base}/search`);
      url.searchParams.set('q', request.query);
      url.searchParams.set('format', 'json');
      if (request.language !== undefined) url.searchParams.set('language', request.language);
      const response = await context.get(url, { accept: 'application/json' });
      if (response.status === 403) {
        throw new WebToolError(
          'SearXNG refused to answer in JSON (HTTP 403): enable the json format under search.formats in its settings.yml',
        );
      }
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers);
        throw new WebToolError('SearXNG is rate limiting requests (HTTP 429); try again later', {
          retryAfterMs: wait ?? 1000,
        });
      }
      if (response.status !== 200) {
        const reason = response.statusText === '' ? '' : ` ${response.statusText}`;
        throw new WebToolError(`SearXNG answered HTTP ${response.status}${reason}`);
      }
      const parsed = searxngAnswer.safeParse(parseJsonBody('SearXNG', response));
      if (!parsed.success) throw new WebToolError('SearXNG answered with JSON of an unexpected shape');
      return (parsed.data.results ?? []).map((result) => ({
        title: result.title ?? result.url,
        url: result.url,
        description: result.content ?? '',
      }));
    },
  };
}
