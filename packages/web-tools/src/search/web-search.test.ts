import { ConfigurationError } from '@tinyagent/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createBraveBackend } from './brave-search.ts';
import type { SearchBackend } from './search-backend.ts';
import { sendJson, startTestServer } from '../test-server.ts';
import type { TestHandler, TestServer } from '../test-server.ts';
import { WebToolError } from '../web-tool-error.ts';
import { createWebSearch, webSearch } from './web-search.ts';
import type { WebSearchOptions } from './web-search.ts';

const KEY = 'BSA-test-key-0123456789';

const RESULTS = {
  type: 'search',
  web: {
    results: [
      {
        title: 'The <strong>Rust</strong> Programming Language',
        url: 'https://doc.rust-lang.org/book/',
        description: 'Learn <strong>Rust</strong> &amp; its borrow checker &#8212; it&#39;s free.',
      },
      { title: 'Rust (programming language) - Wikipedia', url: 'https://en.wikipedia.org/wiki/Rust', description: '' },
      { title: 'Rustlings', url: 'https://github.com/rust-lang/rustlings', description: 'Small exercises.' },
      { title: 'Fourth', url: 'https://example.com/4', description: 'Not shown by default.' },
    ],
  },
};

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  delete process.env.BRAVE_SEARCH_API_KEY;
});

async function brave(
  handler: TestHandler,
  options: WebSearchOptions = {},
): Promise<ReturnType<typeof createWebSearch>> {
  server = await startTestServer(handler);
  return createWebSearch({ apiKey: KEY, endpoint: server.url, ...options });
}

function braveError(code: string, status: number, detail = 'detail'): unknown {
  return { type: 'ErrorResponse', error: { id: 'x', status, code, detail, meta: {} }, time: 0 };
}

describe('web_search on Brave Search', () => {
  it('is an async tool named web_search taking a query', () => {
    expect(webSearch.name).toBe('web_search');
    expect(webSearch.isAsync).toBe(true);
    expect(Object.keys(webSearch.jsonSchema.properties as object)).toEqual(['query']);
  });

  it('asks the web search endpoint with the key, query and options', async () => {
    const tool = await brave((_request, response) => sendJson(response, 200, RESULTS), {
      country: 'de',
      searchLang: 'fr',
    });
    await tool.run({ query: '  rust book  ' });
    const request = server!.requests[0]!;
    const url = new URL(request.path, server!.url);
    expect(url.pathname).toBe('/res/v1/web/search');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      q: 'rust book',
      count: '3',
      country: 'de',
      search_lang: 'fr',
    });
    expect(request.headers['x-subscription-token']).toBe(KEY);
    expect(request.headers.accept).toBe('application/json');
  });

  it('shows the top results as numbered title, description and URL, without highlights or entities', async () => {
    const tool = await brave((_request, response) => sendJson(response, 200, RESULTS));
    expect(await tool.run({ query: 'rust' })).toBe(
      '1. The Rust Programming Language\n' +
        "   Learn Rust & its borrow checker — it's free.\n" +
        '   https://doc.rust-lang.org/book/\n\n' +
        '2. Rust (programming language) - Wikipedia\n' +
        '   https://en.wikipedia.org/wiki/Rust\n\n' +
        '3. Rustlings\n' +
        '   Small exercises.\n' +
        '   https://github.com/rust-lang/rustlings',
    );
  });

  it('shows as many results as the count option asks for', async () => {
    const tool = await brave((_request, response) => sendJson(response, 200, RESULTS), { count: 4 });
    expect(await tool.run({ query: 'rust' })).toMatch(
      /\n\n4\. Fourth\n {3}Not shown by default\.\n {3}https:\/\/example\.com\/4$/,
    );
  });

  it('takes the key from BRAVE_SEARCH_API_KEY when no apiKey is given', async () => {
    server = await startTestServer((_request, response) => sendJson(response, 200, RESULTS));
    process.env.BRAVE_SEARCH_API_KEY = 'BSA-from-environment-42';
    await createWebSearch({ endpoint: server.url }).run({ query: 'rust' });
    expect(server.requests[0]?.headers['x-subscription-token']).toBe('BSA-from-environment-42');
  });

  it('says which variable to set when there is no key, without asking the service', async () => {
    server = await startTestServer((_request, response) => sendJson(response, 200, RESULTS));
    expect(await createWebSearch({ endpoint: server.url }).run({ query: 'rust' })).toBe(
      'Error: web_search has no Brave Search API key: set the BRAVE_SEARCH_API_KEY environment variable ' +
        '(or pass apiKey to createWebSearch), then try again.',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('answers "No search results found" for a missing web section or an empty list', async () => {
    const tool = await brave((request, response) =>
      sendJson(response, 200, request.url?.includes('q=none') === true ? { type: 'search' } : { web: { results: [] } }),
    );
    expect(await tool.run({ query: 'none' })).toBe('No search results found');
    expect(await tool.run({ query: 'empty' })).toBe('No search results found');
  });

  it('classifies a rejected key by its error code, whatever the status', async () => {
    const tool = await brave((request, response) => {
      if (request.url?.includes('q=invalid') === true)
        sendJson(response, 422, braveError('SUBSCRIPTION_TOKEN_INVALID', 422));
      else sendJson(response, 401, {});
    });
    expect(await tool.run({ query: 'invalid' })).toBe(
      'Error: Brave Search rejected the API key (HTTP 422 SUBSCRIPTION_TOKEN_INVALID: detail). ' +
        'Check BRAVE_SEARCH_API_KEY or the apiKey option.',
    );
    expect(await tool.run({ query: 'unauthorized' })).toMatch(/^Error: Brave Search rejected the API key \(HTTP 401\)/);
  });

  it('tells a forbidden request and an invalid query apart from a bad key', async () => {
    const tool = await brave((request, response) => {
      if (request.url?.includes('q=forbidden') === true) sendJson(response, 403, braveError('OPTION_NOT_IN_PLAN', 403));
      else sendJson(response, 422, braveError('VALIDATION', 422, 'q is too long'));
    });
    expect(await tool.run({ query: 'forbidden' })).toBe(
      'Error: Brave Search refused the request for this API key (HTTP 403 OPTION_NOT_IN_PLAN: detail); its plan may not include it.',
    );
    expect(await tool.run({ query: 'invalid' })).toBe(
      'Error: Brave Search rejected the query (HTTP 422 VALIDATION: q is too long).',
    );
  });

  it('honours a short retry-after once when rate limited', async () => {
    const tool = await brave((_request, response) => {
      if (server!.requests.length === 1)
        sendJson(response, 429, braveError('RATE_LIMITED', 429), { 'retry-after': '0' });
      else sendJson(response, 200, RESULTS);
    });
    expect(await tool.run({ query: 'rust' })).toMatch(/^1\. The Rust Programming Language/);
    expect(server!.requests).toHaveLength(2);
  });

  it('reports a rate limit that persists after the one retry', async () => {
    const tool = await brave((_request, response) =>
      sendJson(response, 429, braveError('RATE_LIMITED', 429), { 'retry-after': '0' }),
    );
    expect(await tool.run({ query: 'rust' })).toBe(
      'Error: Brave Search is rate limiting this API key (HTTP 429 RATE_LIMITED: detail); try again in 0 s.',
    );
    expect(server!.requests).toHaveLength(2);
  });

  it('does not wait longer than its retry budget, and says how long to wait', async () => {
    const tool = await brave((_request, response) =>
      sendJson(response, 429, braveError('RATE_LIMITED', 429), { 'x-ratelimit-reset': '60, 86400' }),
    );
    expect(await tool.run({ query: 'rust' })).toMatch(/; try again in 60 s\.$/);
    expect(server!.requests).toHaveLength(1);
  });

  it('does not retry a used-up quota', async () => {
    const tool = await brave((_request, response) =>
      sendJson(response, 429, braveError('QUOTA_LIMITED', 429), { 'retry-after': '0' }),
    );
    expect(await tool.run({ query: 'rust' })).toBe(
      'Error: the Brave Search quota of this API key is used up (HTTP 429 QUOTA_LIMITED: detail); searching again will not help until it resets.',
    );
    expect(server!.requests).toHaveLength(1);
  });

  it('reports other statuses, a body that is not JSON, and JSON of another shape', async () => {
    const tool = await brave((request, response) => {
      if (request.url?.includes('q=down') === true) sendJson(response, 503, {});
      else if (request.url?.includes('q=html') === true)
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      else sendJson(response, 200, { web: { results: 'many' } });
    });
    expect(await tool.run({ query: 'down' })).toBe('Error: Brave Search answered HTTP 503 Service Unavailable.');
    expect(await tool.run({ query: 'html' })).toBe(
      'Error: Brave Search answered with something that is not JSON (text/html); try again later.',
    );
    expect(await tool.run({ query: 'shape' })).toBe('Error: Brave Search answered with JSON of an unexpected shape.');
  });

  it('times out on a service that never answers', async () => {
    const tool = await brave(() => undefined, { timeoutMs: 150 });
    expect(await tool.run({ query: 'rust' })).toBe(
      'Error: Brave Search did not respond within 0.15 s (timed out). Try again later or use another source.',
    );
  });

  it('reports a service it cannot connect to', async () => {
    const tool = createWebSearch({ apiKey: KEY, endpoint: 'http://127.0.0.1:2' });
    expect(await tool.run({ query: 'rust' })).toBe(
      'Error: 127.0.0.1:2 refused the connection (nothing is listening there).',
    );
  });

  it('never shows the key, even when the service echoes it', async () => {
    const tool = await brave((request, response) => {
      if (request.url?.includes('q=fail') === true)
        sendJson(response, 422, braveError('SUBSCRIPTION_TOKEN_INVALID', 422, `token ${KEY} is invalid`));
      else
        sendJson(response, 200, {
          web: { results: [{ title: KEY, url: `https://example.com/?k=${KEY}`, description: KEY }] },
        });
    });
    for (const query of ['fail', 'echo']) {
      const result = await tool.run({ query });
      expect(result).not.toContain(KEY);
      expect(result).toContain('[redacted]');
    }
  });

  it('rejects with the abort reason when the call is cancelled', async () => {
    const tool = await brave(() => undefined);
    const controller = new AbortController();
    const pending = tool.run({ query: 'rust' }, { signal: controller.signal });
    await server!.receivedRequest();
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  it('refuses an empty query as invalid arguments', async () => {
    await expect(webSearch.run({ query: '   ' })).rejects.toThrow('the search query must not be empty');
  });
});

describe('createWebSearch options', () => {
  it('throws ConfigurationError for invalid options', () => {
    expect(() => createWebSearch({ count: 0 })).toThrow(ConfigurationError);
    expect(() => createWebSearch({ timeoutMs: 2 ** 31 })).toThrow(/timeoutMs: must be at most 2147483647 ms/);
    // Node fires a longer timer after 1 ms: a 429 asking for a month's wait was retried at once.
    expect(() => createWebSearch({ maxRetryWaitMs: 2 ** 31 })).toThrow(/maxRetryWaitMs: must be at most 2147483647 ms/);
    expect(createWebSearch({ maxRetryWaitMs: 0 }).name).toBe('web_search');
    expect(() => createWebSearch({ count: 21 })).toThrow(/count: /);
    expect(() => createWebSearch({ endpoint: 'api.search.brave.com' })).toThrow(
      /createBraveBackend: invalid options: endpoint: must be an http or https URL/,
    );
    expect(() => createWebSearch({ backend: {} as SearchBackend })).toThrow(/backend: must be a SearchBackend/);
  });

  it('refuses Brave settings next to a backend of your own', () => {
    const backend: SearchBackend = { name: 'Mine', search: () => Promise.resolve([]) };
    expect(() => createWebSearch({ backend, apiKey: KEY })).toThrow(
      /apiKey and endpoint configure the default Brave backend/,
    );
  });

  it('never shows an apiKey option in a configuration error', () => {
    expect(() => createBraveBackend({ apiKey: KEY, endpoint: 'nope' })).toThrow(/endpoint/);
    try {
      createWebSearch({ apiKey: KEY, count: 0 });
    } catch (error) {
      expect(String(error)).not.toContain(KEY);
    }
  });
});

describe('web_search with a backend of your own', () => {
  it('formats what the backend finds and hands it the query and options', async () => {
    const seen: unknown[] = [];
    const backend: SearchBackend = {
      name: 'Catalog',
      search: (request) => {
        seen.push(request);
        return Promise.resolve([{ title: 'Result', url: 'https://example.com/', description: 'From the catalog.' }]);
      },
    };
    const tool = createWebSearch({ backend, count: 5, searchLang: 'en' });
    expect(await tool.run({ query: 'anything' })).toBe('1. Result\n   From the catalog.\n   https://example.com/');
    expect(seen).toEqual([{ query: 'anything', count: 5, country: undefined, language: 'en' }]);
  });

  it('reports a backend that fails in an unexpected way without calling it a network error', async () => {
    const backend: SearchBackend = {
      name: 'Catalog',
      search: () => Promise.reject(new TypeError('results is undefined')),
    };
    expect(await createWebSearch({ backend }).run({ query: 'x' })).toBe(
      'Error: Catalog failed: TypeError: results is undefined.',
    );
  });

  it('returns a WebToolError from the backend as an error text', async () => {
    const backend: SearchBackend = {
      name: 'Catalog',
      search: () => Promise.reject(new WebToolError('the catalog is closed')),
    };
    expect(await createWebSearch({ backend }).run({ query: 'x' })).toBe('Error: the catalog is closed.');
  });
});
