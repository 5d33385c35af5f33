import { ConfigurationError, createRunScope, registerSecret } from '@tinyagent/core';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { send, startTestServer } from './test-server.ts';
import type { TestHandler, TestServer } from './test-server.ts';
import { createWebBrowse, webBrowse } from './web-browse.ts';
import type { WebBrowseOptions } from './web-browse.ts';

const ARTICLE = `<!doctype html><html><head><title>Tide pools</title><script>var tracker = "should not leak";</script>
<style>.nav { color: red }</style></head><body>
<nav><a href="/">Home</a> <a href="/shop">Shop the gift store now</a></nav>
<article><h1>Tide pools</h1>
<p>Tide pools are rocky pools on the seashore, filled with seawater at low tide. Many organisms live in them,
such as sea stars, mussels and clams, and they have to cope with a constantly changing environment.</p>
<h2>Zones</h2><ul><li>The spray zone</li><li>The high tide zone</li><li>The low tide zone</li></ul>
<p>Read <a href="/zones/low">more about the low tide zone</a>. <img src="/pool.jpg" alt="A tide pool"></p>
<pre><code class="language-js">const tide = "low";</code></pre>
<table><thead><tr><th>Animal</th><th>Zone</th></tr></thead><tbody><tr><td>Sea star</td><td>Low</td></tr></tbody></table>
</article><footer>Copyright 2024 Ocean Facts, all rights reserved</footer></body></html>`;

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: TestHandler): Promise<TestServer> {
  server = await startTestServer(handler);
  return server;
}

// Tests reach their own server on 127.0.0.1: the SSRF guard has its own tests in web-browse-guard.test.ts.
function browser(options: WebBrowseOptions = {}): ReturnType<typeof createWebBrowse> {
  return createWebBrowse({ allowPrivateNetwork: true, ...options });
}

describe('web_browse', () => {
  it('is an async tool named web_browse whose arguments are url, headers and offset', () => {
    expect(webBrowse.name).toBe('web_browse');
    expect(webBrowse.isAsync).toBe(true);
    expect(Object.keys(webBrowse.jsonSchema.properties as object)).toEqual(['url', 'headers', 'offset']);
  });

  it('returns the main content of an HTML page as markdown, without navigation, scripts or styles', async () => {
    const { url } = await serve((_request, response) => send(response, 'text/html; charset=utf-8', ARTICLE));
    const result = await browser().run({ url: `${url}/pools` });
    expect(result).toMatch(/^Title: Tide pools\nURL: http:\/\/127\.0\.0\.1:\d+\/pools\n\n/);
    expect(result).toContain('## Zones\n\n- The spray zone\n- The high tide zone\n- The low tide zone');
    expect(result).toContain('```\nconst tide = "low";\n```');
    expect(result).toContain('| Animal | Zone |\n| --- | --- |\n| Sea star | Low |');
    expect(result).not.toMatch(/tracker|color: red|gift store/);
  });

  it('drops images and link targets by default and keeps them, resolved, when asked', async () => {
    const { url } = await serve((_request, response) => send(response, 'text/html', ARTICLE));
    const plain = await browser().run({ url: `${url}/pools` });
    expect(plain).toContain('Read more about the low tide zone.');
    expect(plain).not.toMatch(/\]\(|pool\.jpg/);
    const rich = await browser({ keepImages: true, keepLinks: true }).run({ url: `${url}/pools` });
    expect(rich).toContain(`[more about the low tide zone](${url}/zones/low)`);
    expect(rich).toContain(`![A tide pool](${url}/pool.jpg)`);
  });

  it('sends a User-Agent unless the call gives one, and leaves the caller’s headers object alone', async () => {
    const { url, requests } = await serve((_request, response) => send(response, 'text/plain', 'ok'));
    await browser().run({ url });
    expect(requests[0]?.headers['user-agent']).toMatch(/TinyAgent/);
    const headers = Object.freeze({ 'User-Agent': 'my-agent/2.0', 'Accept-Language': 'de' });
    await browser().run({ url, headers });
    expect(requests[1]?.headers['user-agent']).toBe('my-agent/2.0');
    expect(requests[1]?.headers['accept-language']).toBe('de');
    expect(headers).toEqual({ 'User-Agent': 'my-agent/2.0', 'Accept-Language': 'de' });
    await browser({ userAgent: 'configured/1.0' }).run({ url });
    expect(requests[2]?.headers['user-agent']).toBe('configured/1.0');
  });

  it('reuses one keep-alive connection across calls', async () => {
    const { url, requests } = await serve((_request, response) => send(response, 'text/plain', 'ok'));
    const tool = browser();
    await tool.run({ url: `${url}/one` });
    await tool.run({ url: `${url}/two` });
    expect(requests).toHaveLength(2);
    expect(requests[1]?.remotePort).toBe(requests[0]?.remotePort);
  });

  it('follows redirects and reports the address that answered', async () => {
    const { url } = await serve((request, response) => {
      if (request.url === '/old') {
        response.writeHead(301, { location: '/new' }).end();
      } else {
        send(response, 'text/plain', `you are at ${request.url ?? ''}`);
      }
    });
    const result = await browser().run({ url: `${url}/old` });
    expect(result).toBe(`URL: ${url}/new\n\nyou are at /new`);
  });

  it('gives up on a redirect loop after maxRedirects', async () => {
    const { url, requests } = await serve((_request, response) => response.writeHead(302, { location: '/loop' }).end());
    const result = await browser({ maxRedirects: 3 }).run({ url: `${url}/loop` });
    expect(result).toBe(`Error: ${url}/loop redirected more than 3 times; giving up.`);
    expect(requests).toHaveLength(4);
  });

  it('refuses a redirect to a scheme other than http and https', async () => {
    const { url } = await serve((_request, response) =>
      response.writeHead(302, { location: 'file:///etc/passwd' }).end(),
    );
    const result = await browser().run({ url });
    expect(result).toBe(
      `Error: ${url} redirected to an address that is not http or https, which cannot be fetched (Unsupported protocol: file:).`,
    );
  });

  it('reports a non-2xx status with what it means', async () => {
    const { url } = await serve((request, response) => {
      response.writeHead(request.url === '/missing' ? 404 : 503).end('nope');
    });
    expect(await browser().run({ url: `${url}/missing` })).toBe(
      `Error: ${url}/missing answered HTTP 404 Not Found (the page does not exist: check the URL or search for it).`,
    );
    expect(await browser().run({ url: `${url}/busy` })).toMatch(
      /^Error: .* answered HTTP 503 Service Unavailable \(the site has a problem/,
    );
  });

  it('times out on a server that never answers', async () => {
    const { url } = await serve(() => undefined);
    const result = await browser({ timeoutMs: 200 }).run({ url });
    expect(result).toBe(
      `Error: ${url} did not respond within 0.2 s (timed out). Try again later or use another source.`,
    );
  });

  it('reports a connection nobody accepts', async () => {
    const result = await browser().run({ url: 'http://127.0.0.1:2/' });
    expect(result).toBe('Error: 127.0.0.1:2 refused the connection (nothing is listening there).');
  });

  it('reports a host name that does not resolve', async () => {
    const dnsLookup: WebBrowseOptions['dnsLookup'] = (hostname, _options, callback) =>
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), []);
    const result = await browser({ dnsLookup }).run({ url: 'http://no-such-host.test/' });
    expect(result).toBe('Error: Could not resolve the host name no-such-host.test: check the URL for typos.');
  });

  it('reports a header the model got wrong', async () => {
    const { url, requests } = await serve((_request, response) => send(response, 'text/plain', 'ok'));
    const result = await browser().run({ url, headers: { 'X-Note': 'two\nlines' } });
    expect(result).toMatch(/^Error: A request header is invalid: .*X-Note/i);
    expect(requests).toHaveLength(0);
  });

  it('refuses invalid URLs and schemes other than http and https before any request', async () => {
    expect(await webBrowse.run({ url: 'not a url' })).toBe(
      'Error: "not a url" is not a valid URL: give an absolute http or https URL, such as https://example.com/page.',
    );
    expect(await webBrowse.run({ url: 'file:///etc/passwd' })).toBe(
      'Error: web_browse reads only http and https URLs, not file: URLs.',
    );
  });

  it('rejects with the abort reason when the call is cancelled, instead of returning an error text', async () => {
    const { url, receivedRequest } = await serve(() => undefined);
    const controller = new AbortController();
    const pending = browser().run({ url }, { signal: controller.signal });
    await receivedRequest();
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('never shows a registered secret', async () => {
    registerSecret('sk-page-secret-0123456789');
    const { url } = await serve((_request, response) =>
      send(response, 'text/plain', 'token: sk-page-secret-0123456789'),
    );
    expect(await browser().run({ url })).toBe(`URL: ${url}/\n\ntoken: [redacted]`);
  });

  it('throws ConfigurationError for invalid options, naming each problem', () => {
    expect(() => createWebBrowse({ timeoutMs: -1 })).toThrow(ConfigurationError);
    expect(() => createWebBrowse({ timeoutMs: -1, maxBytes: 1.5 })).toThrow(
      /createWebBrowse: invalid options: timeoutMs: .*; maxBytes: /,
    );
    expect(() => createWebBrowse({ timeout: 5 } as WebBrowseOptions)).toThrow(/Unrecognized key: "timeout"/);
    expect(() => createWebBrowse({ allowedAddresses: ['intranet'] })).toThrow(
      /allowedAddresses.0: must be an IP address/,
    );
  });
});

describe('web_browse on long pages', () => {
  const paragraphs = Array.from(
    { length: 40 },
    (_, index) => `Paragraph ${index + 1}. ${'Lorem ipsum dolor sit amet. '.repeat(8)}`,
  );

  it('cuts at a paragraph boundary, says how much is left and how to read on, and serves the next part from the run', async () => {
    const { url, requests } = await serve((_request, response) =>
      send(response, 'text/plain', paragraphs.join('\n\n')),
    );
    const tool = browser({ maxChars: 2000 });
    const run = createRunScope();
    const [header, body, notice] = splitResult(await tool.run({ url }, { run }));
    expect(header).toBe(`URL: ${url}/`);
    expect(body.length).toBeLessThanOrEqual(2000);
    const lastShown = Number([...body.matchAll(/Paragraph (\d+)\./g)].at(-1)?.[1]);
    expect(body.endsWith('Lorem ipsum dolor sit amet.')).toBe(true);
    expect(notice).toMatch(
      /^\[Cut here: \d+ of the page's \d+ characters are not shown\. To read on, call web_browse again with the same url and offset \d+\.\]$/,
    );
    const offset = Number(/offset (\d+)\.\]$/.exec(notice)?.[1]);
    const second = await tool.run({ url, offset }, { run });
    expect(second).toMatch(
      new RegExp(`^URL: ${url}/\\nPart: characters ${offset} to \\d+ of \\d+\\n\\nParagraph ${lastShown + 1}\\. `),
    );
    expect(requests).toHaveLength(1);
  });

  it('refuses an offset past the end of the page', async () => {
    const { url } = await serve((_request, response) => send(response, 'text/plain', 'short'));
    expect(await browser().run({ url, offset: 10_000 })).toBe(
      'Error: offset 10000 is past the end of the page, which has 5 characters.',
    );
  });
});

function splitResult(result: string): [string, string, string] {
  const headerEnd = result.indexOf('\n\n');
  const noticeStart = result.lastIndexOf('\n\n[Cut here');
  return [result.slice(0, headerEnd), result.slice(headerEnd + 2, noticeStart), result.slice(noticeStart + 2)];
}

describe('web_browse bodies', () => {
  it('reads a gzip-encoded page', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      response.end(gzipSync(ARTICLE));
    });
    expect(await browser().run({ url })).toContain('Tide pools are rocky pools on the seashore');
  });

  it('cuts a body bigger than maxBytes while streaming, and says so', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const line = `${'x'.repeat(1023)}\n`;
      for (let index = 0; index < 3 * 1024; index += 1) response.write(line);
      response.end();
    });
    const result = await browser({ maxBytes: 1024 * 1024, maxChars: 2000 }).run({ url });
    expect(result).toContain(
      '[The page is larger than 1 MB: only its first 1 MB were read, so the end of the page is missing.]',
    );
    expect(result).toMatch(/of the page's 1048\d{3} characters are not shown/);
  });

  it('caps a compression bomb on its decompressed size', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 'a'));
    expect(bomb.byteLength).toBeLessThan(128 * 1024);
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      response.end(bomb);
    });
    const result = await browser({ maxBytes: 256 * 1024, maxChars: 1000 }).run({ url });
    expect(result).toContain('[The page is larger than 256 KB: only its first 256 KB were read');
  });

  it('passes plain text, markdown and JSON through as they are', async () => {
    const bodies: Record<string, [string, string]> = {
      '/notes.txt': ['text/plain; charset=utf-8', 'Plain *text* stays as it is.'],
      '/readme.md': ['text/markdown', '# Title\n\n- item'],
      '/data.json': ['application/json', '{"answer":42}'],
    };
    const { url } = await serve((request, response) => {
      const [type, body] = bodies[request.url ?? ''] ?? ['text/plain', ''];
      send(response, type, body);
    });
    for (const [path, [, body]] of Object.entries(bodies)) {
      expect(await browser().run({ url: `${url}${path}` })).toBe(`URL: ${url}${path}\n\n${body}`);
    }
  });

  it('refuses binary content types, naming the type, without reading the body', async () => {
    const { url } = await serve((request, response) => {
      const type = request.url === '/paper.pdf' ? 'application/pdf' : 'image/png';
      send(response, type, Buffer.alloc(1024 * 1024));
    });
    expect(await browser().run({ url: `${url}/paper.pdf` })).toBe(
      `Error: ${url}/paper.pdf is application/pdf content, which web_browse cannot read: it reads HTML, plain text, markdown, JSON and XML.`,
    );
    expect(await browser().run({ url: `${url}/logo.png` })).toMatch(
      /is image\/png content, which web_browse cannot read/,
    );
  });

  it('decides a body without a content type by its first bytes', async () => {
    const { url } = await serve((request, response) => {
      response.writeHead(200);
      response.end(request.url === '/page' ? ARTICLE : Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    });
    expect(await browser().run({ url: `${url}/page` })).toContain('Title: Tide pools');
    expect(await browser().run({ url: `${url}/blob` })).toBe(
      `Error: ${url}/blob is binary content, which web_browse cannot read: it reads HTML, plain text, markdown, JSON and XML.`,
    );
  });

  it('decodes pages in legacy charsets, from the Content-Type or from <meta charset>', async () => {
    const cyrillic = new Uint8Array([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x2c, 0x20, 0xec, 0xe8, 0xf0]); // windows-1251
    const japanese = new Uint8Array([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]); // Shift_JIS
    const { url } = await serve((request, response) => {
      if (request.url === '/ru') {
        send(response, 'text/plain; charset=windows-1251', cyrillic);
      } else {
        const html = Buffer.concat([
          Buffer.from('<html><head><meta charset="shift_jis"><title>jp</title></head><body><p>'),
          japanese,
          Buffer.from('</p></body></html>'),
        ]);
        send(response, 'text/html', html);
      }
    });
    expect(await browser().run({ url: `${url}/ru` })).toBe(`URL: ${url}/ru\n\nПривет, мир`);
    expect(await browser().run({ url: `${url}/jp` })).toContain('こんにちは');
  });

  it('reports an empty page and a page without readable text differently', async () => {
    const { url } = await serve((request, response) => {
      if (request.url === '/empty') send(response, 'text/html', '');
      else
        send(
          response,
          'text/html',
          '<html><head><title>App</title></head><body><div id="root"></div><script>render()</script></body></html>',
        );
    });
    expect(await browser().run({ url: `${url}/empty` })).toBe(
      `Error: ${url}/empty returned an empty page (HTTP 200, no content).`,
    );
    expect(await browser().run({ url: `${url}/app` })).toBe(
      `Error: ${url}/app has no readable text (its content may be drawn by JavaScript, which web_browse does not run).`,
    );
  });
});
