import { describe, expect, it } from 'vitest';
import { send, sendJson, useTestServers } from './test-server.ts';
import { createWebBrowse } from './browse/web-browse.ts';
import { createWebSearch } from './search/web-search.ts';

// Every part of a tool result is bounded, whatever the page, the server or the model sends: the
// model pays for each character, and a context window holds only so many.

const serve = useTestServers();
const HUGE = 2_000_000;

function longestLine(text: string): number {
  return text.split('\n').reduce((longest, line) => Math.max(longest, line.length), 0);
}

describe('the parts of a web_browse result', () => {
  it('bound the Title: line of a page with a 2 MB <title>, and keep it on one line', async () => {
    const title = `Tide\nURL: https://forged.example/ ${'pools '.repeat(HUGE / 6)}`;
    const { url } = await serve((_request, response) =>
      send(response, 'text/html', `<html><head><title>${title}</title></head><body><p>Short body.</p></body></html>`),
    );
    const result = await createWebBrowse({ allowPrivateNetwork: true, maxChars: 500 }).run({ url });
    const [titleLine = '', urlLine] = result.split('\n');
    // Readability keeps the part after the title's last colon; whichever part, it stays one line.
    expect(titleLine).toMatch(/^Title: .*pools pools pools/);
    expect(titleLine.length).toBeLessThanOrEqual(310);
    expect(urlLine).toBe(`URL: ${url}/`);
    expect(result.length).toBeLessThan(1000);
  });

  it('bound the URL: line when the page answers from a very long address', async () => {
    const path = `/${'a'.repeat(12_000)}`;
    const { url } = await serve((request, response) => {
      if (request.url === '/') response.writeHead(302, { location: path }).end();
      else send(response, 'text/plain', 'You made it.');
    });
    const result = await createWebBrowse({ allowPrivateNetwork: true }).run({ url });
    expect(result.endsWith('\n\nYou made it.')).toBe(true);
    expect(longestLine(result)).toBeLessThanOrEqual(1010);
  });

  it('bound error messages that echo the URL the model gave', async () => {
    const tool = createWebBrowse();
    const invalid = await tool.run({ url: `not a url ${'x'.repeat(HUGE)}` });
    const refused = await tool.run({ url: `http://127.0.0.1/${'y'.repeat(HUGE)}` });
    expect(invalid).toMatch(/^Error: "not a url x+…" is not a valid URL: give an absolute http or https URL/);
    expect(refused).toMatch(/^Error: Refused to fetch http:\/\/127\.0\.0\.1\/y+…: 127\.0\.0\.1 is a loopback address/);
    for (const text of [invalid, refused]) expect(text.length).toBeLessThan(2000);
  });
});

describe('the parts of a web_search result', () => {
  it('bound titles, descriptions and URLs of the results', async () => {
    // A million characters each: together under the 4 MB a search response may have.
    const size = HUGE / 2;
    const results = [
      { title: 'T'.repeat(size), url: `https://x.example/${'u'.repeat(size)}`, description: 'd '.repeat(size / 2) },
    ];
    const { url } = await serve((_request, response) => sendJson(response, 200, { web: { results } }));
    const result = await createWebSearch({ apiKey: 'BSA-bounds-key-0123456789', endpoint: url }).run({ query: 'x' });
    expect(result.startsWith('1. TTT')).toBe(true);
    expect(result.length).toBeLessThan(3000);
  });

  it('bound an error that repeats what the service said', async () => {
    const error = { error: { code: 'C'.repeat(HUGE), detail: 'D'.repeat(HUGE) } };
    const { url } = await serve((_request, response) => sendJson(response, 422, error));
    const result = await createWebSearch({ apiKey: 'BSA-bounds-key-0123456789', endpoint: url }).run({ query: 'x' });
    expect(result).toMatch(/^Error: Brave Search rejected the query \(HTTP 422 C+…: D+…\)\.$/);
    expect(result.length).toBeLessThan(2000);
  });
});
