import { describe, expect, it } from 'vitest';
import { TIDE_POOLS_PAGE as ARTICLE, loopbackBrowser as browser, send, useTestServers } from '../test-server.ts';

// Pages built to make the conversion slow. Conversion runs on a pool of two threads shared by the
// whole process, so two such pages used to hold up every other web_browse call for minutes.

const serve = useTestServers();

/** Counts turns of the event loop until `stop` is called: a blocked main thread would count none. */
function countTurns(): { stop: () => Promise<number> } {
  let turns = 0;
  const state = { running: true };
  const counting = (async () => {
    while (state.running) {
      await new Promise((resolve) => setImmediate(resolve));
      turns += 1;
    }
  })();
  return {
    stop: async () => {
      state.running = false;
      await counting;
      return turns;
    },
  };
}

describe('web_browse on pages built to be slow', () => {
  it('converts pages with long whitespace runs while the other calls of the process complete', async () => {
    // 196 KB of spaces in a <pre> took 18 s in turndown's final trim alone, quadratic in the run.
    const run = ' '.repeat(196_000);
    const pages: Record<string, string> = {
      '/spaces': `<pre>x${run}y</pre>`,
      '/code': `<pre><code>z${run}\u00a0</code></pre>`,
      '/article': ARTICLE,
    };
    const { url } = await serve((request, response) => send(response, 'text/html', pages[request.url ?? ''] ?? ''));
    const tool = browser({ maxChars: 400_000 });
    const turns = countTurns();

    // Both threads of the pool take a slow page; the article waits for one of them.
    const slow = Promise.all([tool.run({ url: `${url}/spaces` }), tool.run({ url: `${url}/code` })]);
    const article = await tool.run({ url: `${url}/article` });
    const [spaces, code] = await slow;

    expect(article).toMatch(/^Title: Tide pools\n.*\n\nTide pools are rocky pools/);
    expect(spaces).toBe(`URL: ${url}/spaces\n\n\`\`\`\nx${run}y\n\`\`\``);
    expect(code).toBe(`URL: ${url}/code\n\n\`\`\`\nz${run}\u00a0\n\`\`\``);
    expect(await turns.stop()).toBeGreaterThan(0);
  }, 30_000);

  it('reads a page with a long ordered list within the default deadline', async () => {
    // A reference list of 25 000 items: numbering each item by its index among all of them took 30 s.
    const items = Array.from({ length: 25_000 }, (_, index) => `<li>Source ${index + 1}</li>`).join('');
    const { url } = await serve((_request, response) =>
      send(response, 'text/html', `<html><body><h1>References</h1><ol>${items}</ol></body></html>`),
    );

    const result = await browser({ maxChars: 1_000_000 }).run({ url });

    expect(result).toMatch(/\n1\. Source 1\n2\. Source 2\n/);
    expect(result.endsWith('\n25000. Source 25000')).toBe(true);
  }, 30_000);
});

describe('web_browse past its deadline', () => {
  it('stops a conversion that outlives timeoutMs, and the pool serves the next call at once', async () => {
    // Megabytes of tiny elements: seconds of parsing and conversion, far past a one-second deadline.
    const slowPage = `<html><body>${'<p>a</p>'.repeat(500_000)}</body></html>`;
    const { url } = await serve((request, response) =>
      send(response, 'text/html', request.url === '/article' ? ARTICLE : slowPage),
    );
    const hasty = browser({ timeoutMs: 1000 });

    // Both threads of the pool take a slow page; each is stopped at the deadline and replaced.
    const results = await Promise.all([hasty.run({ url: `${url}/slow-1` }), hasty.run({ url: `${url}/slow-2` })]);
    const article = await browser({ timeoutMs: 5000 }).run({ url: `${url}/article` });

    expect(results).toEqual(
      [1, 2].map(
        (index) =>
          `Error: ${url}/slow-${index} could not be converted to markdown within the time limit of 1 s ` +
          '(the page is too large or too intricate); try another source.',
      ),
    );
    expect(article).toMatch(/^Title: Tide pools\n/);
  }, 30_000);
});
