import { ConfigurationError, createRunScope, registerSecret } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { send, useTestServers } from '../test-server.ts';
import { createWebBrowse, webBrowse } from './web-browse.ts';
import type { WebBrowseOptions } from './web-browse.ts';

const ARTICLE = `<!doctype html><html><head><title>Tide pools</title><script>var tracker = "should not leak";</script>
<style>.nav { color: red }</style></head><body>
<nav><a href="/">Home</a> <a href="/shop">Shop the gift store now</a></nav>
<article><h1>Tide pools</h1>
<p>Tide pools are rocky pools on the seashore, filled with seawater at low tide. Many organisms live in them,
such as sea stars, mussels and clams, and they have to cope with a constantly changing environment.</p>
<h2>Zones</h2><ul><li>The spray zone</li><li>The high tide zone</li><li>The low tide zone</li></ul>
<p>Rangers count the sea stars each spring; read <a href="/zones/low">more about the low tide zone</a>. <img src="/pool.jpg" alt="A tide pool"></p>
<p>See also: <a href="/guides/best">The ten best tide pool guides of the year</a></p>
<pre><code class="language-js">const tide = "low";</code></pre>
<table><thead><tr><th>Animal</th><th>Zone</th></tr></thead><tbody><tr><td>Sea star</td><td>Low</td></tr></tbody></table>
</article><footer>Copyright 2024 Ocean Facts, all rights reserved</footer></body></html>`;

const serve = useTestServers();

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
    // The language of a code block comes from its class, which the extraction keeps.
    expect(result).toContain('```js\nconst tide = "low";\n```');
    expect(result).toContain('| Animal | Zone |\n| --- | --- |\n| Sea star | Low |');
    // A short paragraph that only points to another page is boilerplate, like the navigation.
    expect(result).not.toMatch(/tracker|color: red|gift store|tide pool guides/);
  });

  it('drops images and link targets by default and keeps them, resolved, when asked', async () => {
    const { url } = await serve((_request, response) => send(response, 'text/html', ARTICLE));
    const plain = await browser().run({ url: `${url}/pools` });
    expect(plain).toContain('read more about the low tide zone.');
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

  it('never shows a registered secret that markdown escaping reshaped', async () => {
    // turndown writes `_` as `\\_`, and modern keys (sk-proj-…) contain `_`.
    const key = 'sk-proj-Ab_cD_ef0123456789_xyz';
    registerSecret(key);
    const { url } = await serve((_request, response) =>
      send(response, 'text/html', `<html><body><p>Leaked key: <b>${key}</b> in a post.</p></body></html>`),
    );
    const result = await browser().run({ url });
    expect(result).toBe(`URL: ${url}/\n\nLeaked key: **[redacted]** in a post.`);
  });

  it('never shows a registered secret that a part boundary would cut in two', async () => {
    const key = 'sk-part-boundary-0123456789abcdef';
    registerSecret(key);
    // No space or line break near the cut: the first part ends hard at maxChars, inside the key.
    const text = `${'x'.repeat(490)}${key}${'y'.repeat(600)}`;
    const { url } = await serve((_request, response) => send(response, 'text/plain', text));
    const tool = browser({ maxChars: 500 });
    const run = createRunScope();
    const first = await tool.run({ url }, { run });
    const offset = Number(/offset (\d+)\.\]$/.exec(first)?.[1]);
    const second = await tool.run({ url, offset }, { run });
    for (const part of [first, second]) {
      expect(part).not.toContain(key.slice(0, 8));
      expect(part).not.toContain(key.slice(-8));
    }
    expect(`${first}${second}`).toContain('[redacted]');
  });

  it('throws ConfigurationError for invalid options, naming each problem', () => {
    expect(() => createWebBrowse({ timeoutMs: -1 })).toThrow(ConfigurationError);
    expect(() => createWebBrowse({ timeoutMs: -1, maxBytes: 1.5 })).toThrow(
      /createWebBrowse: invalid options: timeoutMs: .*; maxBytes: /,
    );
    expect(() => createWebBrowse({ timeout: 5 } as WebBrowseOptions)).toThrow(/Unrecognized key: "timeout"/);
    // Node fires a longer timer after 1 ms: every page would time out at once.
    expect(() => createWebBrowse({ timeoutMs: 3_000_000_000 })).toThrow(/timeoutMs: must be at most 2147483647 ms/);
    expect(() => createWebBrowse({ allowedAddresses: ['intranet'] })).toThrow(
      /allowedAddresses.0: must be an IP address/,
    );
  });
});
