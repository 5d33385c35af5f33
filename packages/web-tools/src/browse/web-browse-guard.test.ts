import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsLookup } from './address-guard.ts';
import { send, startTestServer } from '../test-server.ts';
import type { TestServer } from '../test-server.ts';
import { createWebBrowse, webBrowse } from './web-browse.ts';

// The SSRF guard end to end, against a real server on 127.0.0.1. Every refused request is one that
// would reach this server if the guard let it through (0.0.0.0 and the other spellings of loopback
// all land here), so "the server saw no request" proves the refusal happened before connecting.

let server: TestServer;
let redirectTo = '';

beforeAll(async () => {
  server = await startTestServer((request, response) => {
    if (request.url === '/redirect') {
      response.writeHead(302, { location: redirectTo }).end();
    } else {
      send(response, 'text/plain', `reached ${request.url ?? ''}`);
    }
  });
});

afterAll(async () => {
  await server.close();
});

/** Resolves names from a table, as an attacker's DNS server could; anything else fails. */
function resolverFor(table: Record<string, string>): DnsLookup {
  return (hostname, options, callback) => {
    const address = table[hostname];
    if (address === undefined) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    } else if (options.all === true) {
      callback(null, [{ address, family: 4 }]);
    } else {
      callback(null, address, 4);
    }
  };
}

describe('web_browse with the SSRF guard on (the default)', () => {
  it('refuses the loopback address and says why, without connecting', async () => {
    const before = server.requests.length;
    expect(await webBrowse.run({ url: `${server.url}/secret` })).toBe(
      `Error: Refused to fetch ${server.url}/secret: 127.0.0.1 is a loopback address (this machine). ` +
        'Only public internet addresses may be fetched.',
    );
    expect(server.requests.length).toBe(before);
  });

  it.each([
    ['decimal', (port: number) => `http://2130706433:${port}/`],
    ['hexadecimal', (port: number) => `http://0x7f000001:${port}/`],
    ['octal', (port: number) => `http://0177.0.0.1:${port}/`],
    ['shortened', (port: number) => `http://127.1:${port}/`],
    ['IPv4-mapped IPv6', (port: number) => `http://[::ffff:127.0.0.1]:${port}/`],
    ['unspecified 0.0.0.0', (port: number) => `http://0.0.0.0:${port}/`],
    ['IPv6 loopback', (port: number) => `http://[::1]:${port}/`],
  ])('refuses the %s spelling of a local address', async (_spelling, urlFor) => {
    const before = server.requests.length;
    const result = await webBrowse.run({ url: urlFor(server.port) });
    expect(result).toMatch(/^Error: Refused to fetch .* is (a loopback|the unspecified) address/);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a host name that resolves to a local address, in the lookup of the connection itself', async () => {
    const before = server.requests.length;
    const result = await webBrowse.run({ url: `http://localhost:${server.port}/` });
    expect(result).toMatch(/^Error: Refused to fetch .*: localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a redirect to a local address, hop by hop', async () => {
    // The first hop must be reachable: allow exactly the server's own address, nothing else.
    const tool = createWebBrowse({ allowedAddresses: ['127.0.0.1'] });
    redirectTo = `http://0.0.0.0:${server.port}/inside`;
    const before = server.requests.length;
    expect(await tool.run({ url: `${server.url}/redirect` })).toBe(
      `Error: Refused to fetch ${server.url}/redirect: 0.0.0.0 is the unspecified address, which reaches this machine. ` +
        'Only public internet addresses may be fetched.',
    );
    expect(server.requests.slice(before).map((request) => request.path)).toEqual(['/redirect']);
  });

  it('refuses a redirect to a host name that resolves to a local address', async () => {
    const dnsLookup = resolverFor({ 'allowed.test': '127.0.0.1', 'rebound.test': '0.0.0.0' });
    const tool = createWebBrowse({ allowedAddresses: ['127.0.0.1/32'], dnsLookup });
    redirectTo = `http://rebound.test:${server.port}/inside`;
    const before = server.requests.length;
    const result = await tool.run({ url: `http://allowed.test:${server.port}/redirect` });
    expect(result).toMatch(/^Error: Refused to fetch .*: rebound\.test \(0\.0\.0\.0\) is the unspecified address/);
    expect(server.requests.slice(before).map((request) => request.path)).toEqual(['/redirect']);
  });

  it('follows a redirect that stays on allowed addresses', async () => {
    const tool = createWebBrowse({ allowedAddresses: ['127.0.0.0/8'] });
    redirectTo = `http://127.0.0.1:${server.port}/landing`;
    expect(await tool.run({ url: `${server.url}/redirect` })).toBe(`URL: ${server.url}/landing\n\nreached /landing`);
  });
});

describe('web_browse with allowPrivateNetwork', () => {
  it('reaches local addresses', async () => {
    const tool = createWebBrowse({ allowPrivateNetwork: true });
    expect(await tool.run({ url: `http://localhost:${server.port}/open` })).toBe(
      `URL: http://localhost:${server.port}/open\n\nreached /open`,
    );
  });
});
