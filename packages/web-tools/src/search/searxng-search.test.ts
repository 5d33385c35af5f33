import { afterEach, describe, expect, it } from 'vitest';
import { createSearxngBackend } from './searxng-search.ts';
import { sendJson, startTestServer } from '../test-server.ts';
import type { TestServer } from '../test-server.ts';
import { createWebSearch } from './web-search.ts';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the SearXNG backend', () => {
  it('asks {endpoint}/search for JSON and formats the results, no key needed', async () => {
    server = await startTestServer((_request, response) =>
      sendJson(response, 200, {
        query: 'tide pools',
        results: [
          {
            title: 'Tide pool',
            url: 'https://en.wikipedia.org/wiki/Tide_pool',
            content: 'A rocky pool on the shore.',
            engine: 'wikipedia',
          },
          { url: 'https://example.com/untitled' },
        ],
      }),
    );
    const tool = createWebSearch({ backend: createSearxngBackend({ endpoint: `${server.url}/` }), searchLang: 'en' });
    expect(await tool.run({ query: 'tide pools' })).toBe(
      '1. Tide pool\n   A rocky pool on the shore.\n   https://en.wikipedia.org/wiki/Tide_pool\n\n' +
        '2. https://example.com/untitled\n   https://example.com/untitled',
    );
    const url = new URL(server.requests[0]!.path, server.url);
    expect(url.pathname).toBe('/search');
    expect(Object.fromEntries(url.searchParams)).toEqual({ q: 'tide pools', format: 'json', language: 'en' });
  });

  it('says how to enable JSON when the instance refuses it', async () => {
    server = await startTestServer((_request, response) => response.writeHead(403).end('Forbidden'));
    const tool = createWebSearch({ backend: createSearxngBackend({ endpoint: server.url }) });
    expect(await tool.run({ query: 'x' })).toBe(
      'Error: SearXNG refused to answer in JSON (HTTP 403): enable the json format under search.formats in its settings.yml.',
    );
  });

  it('reports its other failures by status', async () => {
    server = await startTestServer((request, response) => {
      if (request.url?.includes('q=busy') === true) response.writeHead(429, { 'retry-after': '120' }).end();
      else response.writeHead(502).end();
    });
    const tool = createWebSearch({ backend: createSearxngBackend({ endpoint: server.url }) });
    expect(await tool.run({ query: 'busy' })).toBe(
      'Error: SearXNG is rate limiting requests (HTTP 429); try again later.',
    );
    expect(await tool.run({ query: 'broken' })).toBe('Error: SearXNG answered HTTP 502 Bad Gateway.');
    expect(server.requests).toHaveLength(2);
  });

  it('needs the URL of an instance', () => {
    expect(() => createSearxngBackend({ endpoint: 'localhost:8888' })).toThrow(
      'createSearxngBackend: invalid options: endpoint: must be the http or https URL of a SearXNG instance.',
    );
  });
});
