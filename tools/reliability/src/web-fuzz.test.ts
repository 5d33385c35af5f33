import fc from 'fast-check';
import { startLoopbackServer } from '@tinyagent/fixtures';
import { createWebBrowse, createWebSearch } from '@tinyagent/web-tools';
import { describe, expect, it } from 'vitest';
import { FUZZ_SEED, fuzzRuns } from './fuzz-settings.ts';
import { junk } from './reply-arbitraries.ts';

// Pages are untrusted input too: whatever a server sends (any status, headers, encoding, charset or
// markup) and whatever arguments the model passes, web_browse and web_search resolve with text — a
// page or an `Error: ...` — and never reject, throw into the agent, or return more than asked.

interface Page {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

const TAGS = ['div', 'p', 'span', 'table', 'tr', 'td', 'pre', 'code', 'ul', 'li', 'a', 'img', 'h1', 'script', 'style'];
const MORE_TAGS = ['svg', 'math', 'iframe', 'template', 'noscript', 'article', 'nav', 'br', 'hr', 'select', 'textarea'];

const markup: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 40 }),
    fc.constantFrom('&amp;', '&#0;', '&#x110000;', '&nbsp;', '&bogus;', '<', '>', '<!--', ']]>', '\u0000', '\uFEFF'),
    fc
      .tuple(
        fc.constantFrom(...TAGS, ...MORE_TAGS),
        fc.string({ maxLength: 20 }),
        fc.array(tie('node'), { maxLength: 4 }),
      )
      .map(
        ([tag, attribute, children]) =>
          `<${tag} title="${attribute}" href="${attribute}">${children.join('')}</${tag}>`,
      ),
  ),
})).node;

const deepPage = fc
  .tuple(fc.constantFrom(2_000, 20_000), fc.constantFrom('div', 'table', 'ul', 'span'))
  .map(([depth, tag]) => `<html><body>${`<${tag}>`.repeat(depth)}deep${`</${tag}>`.repeat(depth)}</body></html>`);

const body: fc.Arbitrary<Uint8Array> = fc.oneof(
  {
    weight: 4,
    arbitrary: markup.map((html) => Buffer.from(`<html><head><title>t</title></head><body>${html}</body></html>`)),
  },
  { weight: 1, arbitrary: deepPage.map((html) => Buffer.from(html)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2_000 }) },
  { weight: 1, arbitrary: junk.map((value) => Buffer.from(JSON.stringify(value))) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xfe, 0xff, 0, 60]), Buffer.alloc(0)),
  },
);

const contentType = fc.oneof(
  fc.constantFrom(
    'text/html',
    'text/plain',
    'application/json',
    'application/xhtml+xml',
    'image/png',
    'application/octet-stream',
    '',
  ),
  fc
    .tuple(
      fc.constantFrom('text/html', 'text/plain'),
      fc.constantFrom('utf-8', 'shift_jis', 'utf-16le', 'x-unknown', '"', ''),
    )
    .map(([type, charset]) => `${type}; charset=${charset}`),
  fc.string({ maxLength: 30 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
);

const page: fc.Arbitrary<Page> = fc.record({
  status: fc.constantFrom(200, 200, 200, 203, 204, 206, 301, 302, 404, 418, 500),
  headers: fc.record(
    {
      'content-type': contentType,
      'content-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'zstd', 'identity', 'bogus'),
      location: fc.constantFrom('/elsewhere', 'http://[::1]/', '', 'javascript:alert(1)'),
    },
    { requiredKeys: [] },
  ),
  body,
});

const callArguments = fc.record(
  {
    headers: fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
    offset: fc.oneof(fc.nat({ max: 5_000 }), fc.integer({ min: 1_000_000, max: 2 ** 31 })),
  },
  { requiredKeys: [] },
);

describe('web_browse against fuzzed pages and arguments', () => {
  it('always resolves with a page or an error text within its character budget', async () => {
    let current: Page = { status: 200, headers: {}, body: new Uint8Array() };
    await using server = await startLoopbackServer((_request, response) => {
      // Headers a Node server refuses to send (bad characters) are left out, like a server would.
      for (const [name, value] of Object.entries(current.headers)) {
        try {
          response.setHeader(name, value);
        } catch {
          // not a valid header value
        }
      }
      response.statusCode = current.status;
      response.end(current.body);
    });
    const browse = createWebBrowse({ allowPrivateNetwork: true, maxChars: 2_000, timeoutMs: 2_000, maxRedirects: 2 });

    await fc.assert(
      fc.asyncProperty(page, callArguments, async (generated, args) => {
        current = generated;
        const result = await browse.run({ url: `${server.url}/page`, ...args });
        expect(typeof result).toBe('string');
        expect(result.length).toBeLessThan(2_000 + 600);
      }),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(150) },
    );
  }, 120_000);
});

describe('web_search against fuzzed answers', () => {
  it('always resolves with results or an error text', async () => {
    let answer: { status: number; body: string } = { status: 200, body: '{}' };
    await using server = await startLoopbackServer((_request, response) => {
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body);
    });
    const search = createWebSearch({ apiKey: 'BSA-fuzz-key-0123', endpoint: server.url, maxRetryWaitMs: 0 });
    const result = fc.record(
      { title: fc.oneof(fc.string({ maxLength: 30 }), junk), url: fc.oneof(fc.webUrl(), junk), description: junk },
      { requiredKeys: [] },
    );
    const braveBody = fc.oneof(
      fc.record({
        web: fc.record({ results: fc.oneof(fc.array(result, { maxLength: 5 }), junk) }, { requiredKeys: [] }),
      }),
      fc.record({ error: fc.record({ code: fc.oneof(fc.string(), junk), detail: junk }, { requiredKeys: [] }) }),
      junk,
    );

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 401, 422, 429, 500),
        braveBody,
        fc.string({ maxLength: 500 }),
        async (status, value, query) => {
          answer = { status, body: JSON.stringify(value) };
          const text = await search.run({ query }).catch((error: unknown) => `rejected: ${String(error)}`);
          expect(text).not.toMatch(/^rejected: (?!ToolInputError)/);
        },
      ),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(150) },
    );
  }, 60_000);
});
