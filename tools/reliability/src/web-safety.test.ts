import type { LookupAddress } from 'node:dns';
import type { ServerResponse } from 'node:http';
import { constants, createGzip, brotliCompressSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { startLoopbackServer } from '@tinyagent/fixtures';
import { createWebBrowse, createWebSearch } from '@tinyagent/web-tools';
import type { DnsLookup } from '@tinyagent/web-tools';
import { describe, expect, it } from 'vitest';

// The SSRF matrix and the caps of web_browse (and web_search's), end to end through got. Every
// address below is refused before anything is sent: a failing refusal would show as a timeout or a
// network error instead of the refusal text.

const REFUSED =
  /^Error: Refused to fetch \S+: (\S+ \()?([\da-f.:]+)\)? is (.+)\. Only public internet addresses may be fetched\.$/;

/** The address and the kind of network a refusal names, or the whole text when it is no refusal. */
function refusal(result: string): { address: string; kind: string } | string {
  const match = REFUSED.exec(result);
  return match === null ? result : { address: match[2] ?? '', kind: match[3] ?? '' };
}

const KIND = {
  metadata: 'a cloud metadata service address',
  unspecified: 'the unspecified address, which reaches this machine',
  loopback: 'a loopback address (this machine)',
  private: 'a private network address',
  cgnat: 'a carrier-grade NAT address (100.64.0.0/10)',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a unique-local IPv6 address (fc00::/7)',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
} as const;

// [host as written in the URL, the address the refusal names, its kind]
const LITERALS: readonly (readonly [string, string, string])[] = [
  ['127.0.0.1', '127.0.0.1', KIND.loopback],
  ['127.255.255.254', '127.255.255.254', KIND.loopback],
  ['10.0.0.1', '10.0.0.1', KIND.private],
  ['172.16.0.1', '172.16.0.1', KIND.private],
  ['172.31.255.255', '172.31.255.255', KIND.private],
  ['192.168.1.1', '192.168.1.1', KIND.private],
  ['169.254.169.254', '169.254.169.254', KIND.metadata],
  ['169.254.170.2', '169.254.170.2', KIND.metadata],
  ['100.100.100.200', '100.100.100.200', KIND.metadata],
  ['192.0.0.192', '192.0.0.192', KIND.metadata],
  ['169.254.1.1', '169.254.1.1', KIND.linkLocal],
  ['100.64.0.1', '100.64.0.1', KIND.cgnat],
  ['0.0.0.0', '0.0.0.0', KIND.unspecified],
  ['0.1.2.3', '0.1.2.3', KIND.unspecified],
  ['224.0.0.1', '224.0.0.1', KIND.multicast],
  ['240.0.0.1', '240.0.0.1', KIND.reserved],
  ['255.255.255.255', '255.255.255.255', KIND.reserved],
  ['192.0.2.1', '192.0.2.1', KIND.reserved],
  ['198.18.0.1', '198.18.0.1', KIND.reserved],
  ['[::1]', '::1', KIND.loopback],
  ['[::]', '::', KIND.unspecified],
  ['[fe80::1]', 'fe80::1', KIND.linkLocal],
  ['[fc00::1]', 'fc00::1', KIND.uniqueLocal],
  ['[fd12:3456::1]', 'fd12:3456::1', KIND.uniqueLocal],
  ['[fd00:ec2::254]', 'fd00:ec2::254', KIND.metadata],
  ['[fec0::1]', 'fec0::1', KIND.private],
  ['[ff02::1]', 'ff02::1', KIND.multicast],
  ['[2001:db8::1]', '2001:db8::1', KIND.reserved],
  ['[64:ff9b:1::1]', '64:ff9b:1::1', KIND.private],
  // IPv6 forms that carry an IPv4 address.
  ['[::ffff:127.0.0.1]', '127.0.0.1', KIND.loopback],
  ['[::ffff:7f00:1]', '127.0.0.1', KIND.loopback],
  ['[::FFFF:A9FE:A9FE]', '169.254.169.254', KIND.metadata],
  ['[::ffff:10.0.0.1]', '10.0.0.1', KIND.private],
  ['[::127.0.0.1]', '::7f00:1', KIND.loopback],
  ['[64:ff9b::7f00:1]', '64:ff9b::7f00:1', KIND.loopback],
  ['[64:ff9b::a9fe:a9fe]', '64:ff9b::a9fe:a9fe', KIND.metadata],
  ['[2002:7f00:1::]', '2002:7f00:1::', KIND.loopback],
  ['[2002:c0a8:101::1]', '2002:c0a8:101::1', KIND.private],
  // Decimal, hexadecimal, octal and shortened IPv4.
  ['2130706433', '127.0.0.1', KIND.loopback],
  ['0x7f000001', '127.0.0.1', KIND.loopback],
  ['0x7F.1', '127.0.0.1', KIND.loopback],
  ['017700000001', '127.0.0.1', KIND.loopback],
  ['0177.0.0.1', '127.0.0.1', KIND.loopback],
  ['127.000.000.001', '127.0.0.1', KIND.loopback],
  ['127.1', '127.0.0.1', KIND.loopback],
  ['167772161', '10.0.0.1', KIND.private],
  ['0xA9FEA9FE', '169.254.169.254', KIND.metadata],
  ['0251.0376.0251.0376', '169.254.169.254', KIND.metadata],
  ['3232235777', '192.168.1.1', KIND.private],
  ['0', '0.0.0.0', KIND.unspecified],
];

/** A resolver answering from a table, as an attacker's DNS server could; anything else does not resolve. */
function resolverFor(table: Record<string, readonly LookupAddress[]>): DnsLookup {
  return (hostname, options, callback) => {
    const addresses = table[hostname.toLowerCase().replace(/\.$/, '')];
    if (addresses === undefined) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    } else if (options.all === true) {
      callback(null, [...addresses]);
    } else {
      callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
    }
  };
}

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

const NAMES: Record<string, readonly LookupAddress[]> = {
  'metadata.test': [v4('169.254.169.254')],
  'intranet.test': [v4('10.1.2.3')],
  'router.test': [v4('192.168.0.1')],
  'self.test': [v6('::1')],
  'mapped.test': [v6('::ffff:172.16.0.9')],
  // A name with an address the guard allows next to one it refuses: the redirect test below allows
  // 127.0.0.1, so only 10.0.0.7 can refuse it. No address here is off this machine or routable.
  'rebind.test': [v4('127.0.0.1'), v4('10.0.0.7')],
  'nat64.test': [v6('64:ff9b::a00:1')],
};

describe('the SSRF guard of web_browse', () => {
  const browse = createWebBrowse({ timeoutMs: 2_000, dnsLookup: resolverFor(NAMES) });

  it.each(LITERALS)('refuses http://%s/ as %s, %s', async (host, address, kind) => {
    expect(refusal(await browse.run({ url: `http://${host}:8080/admin` }))).toEqual({ address, kind });
  });

  it.each([
    ['metadata.test', '169.254.169.254', KIND.metadata],
    ['intranet.test', '10.1.2.3', KIND.private],
    ['ROUTER.test.', '192.168.0.1', KIND.private],
    ['self.test', '::1', KIND.loopback],
    ['mapped.test', '172.16.0.9', KIND.private],
    ['rebind.test', '127.0.0.1', KIND.loopback],
    ['nat64.test', '64:ff9b::a00:1', KIND.private],
  ])('refuses the name %s, which resolves to %s', async (name, address, kind) => {
    expect(refusal(await browse.run({ url: `http://${name}/` }))).toEqual({ address, kind });
  });

  it('refuses every redirect into the private network, however many hops lead there', async () => {
    let target = '';
    await using server = await startLoopbackServer((request, response) => {
      const hops = Number(/^\/hop\/(\d+)/.exec(request.url ?? '')?.[1] ?? 0);
      response.writeHead(302, { location: hops > 0 ? `/hop/${hops - 1}` : target }).end();
    });
    const tool = createWebBrowse({ allowedAddresses: ['127.0.0.1'], dnsLookup: resolverFor(NAMES), timeoutMs: 2_000 });
    const targets: readonly [string, string, string][] = [
      ['http://10.0.0.1/', '10.0.0.1', KIND.private],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', KIND.metadata],
      [`http://[::1]:${server.port}/`, '::1', KIND.loopback],
      [`http://127.0.0.2:${server.port}/`, '127.0.0.2', KIND.loopback],
      [`http://2130706434:${server.port}/`, '127.0.0.2', KIND.loopback],
      ['http://metadata.test/', '169.254.169.254', KIND.metadata],
      ['http://rebind.test/', '10.0.0.7', KIND.private],
    ];
    for (const [location, address, kind] of targets) {
      target = location;
      expect(refusal(await tool.run({ url: `${server.url}/hop/3` }))).toEqual({ address, kind });
    }
    for (const scheme of ['file:///etc/passwd', 'gopher://127.0.0.1:70/', 'ftp://10.0.0.1/']) {
      target = scheme;
      expect(await tool.run({ url: `${server.url}/hop/2` })).toMatch(
        /^Error: .* redirected to an address that is not http or https/,
      );
    }
    target = '/hop/50';
    expect(await tool.run({ url: `${server.url}/hop/0` })).toBe(
      `Error: ${server.url}/hop/0 redirected more than 10 times; giving up.`,
    );
  });
});

describe('the caps of web_browse and web_search', () => {
  it('gives up on a server that drips its headers or its body, at the deadline', async () => {
    await using server = await startLoopbackServer((request, response) => {
      if (request.url === '/headers') {
        response.socket?.write('HTTP/1.1 200 OK\r\n');
        drip(response, () => response.socket?.write('X-Drip: 1\r\n'));
      } else {
        response.writeHead(200, { 'content-type': 'text/plain' });
        drip(response, () => response.write('.'));
      }
    });
    const browse = createWebBrowse({ allowPrivateNetwork: true, timeoutMs: 600 });
    const search = createWebSearch({ apiKey: 'BSA-test-key-0123', endpoint: server.url, timeoutMs: 600 });

    for (const path of ['/headers', '/body']) {
      expect(await browse.run({ url: `${server.url}${path}` })).toBe(
        `Error: ${server.url}${path} did not respond within 0.6 s (timed out). Try again later or use another source.`,
      );
    }
    expect(await search.run({ query: 'drip' })).toBe(
      'Error: Brave Search did not respond within 0.6 s (timed out). Try again later or use another source.',
    );
  });

  it('reads at most maxBytes of an endless body, plain or compressed, and stops the download', async () => {
    const closed: string[] = [];
    await using server = await startLoopbackServer((request, response) => {
      response.once('close', () => closed.push(request.url ?? ''));
      const gzip = request.url === '/gzip';
      response.writeHead(200, { 'content-type': 'text/plain', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
      const sink = gzip ? createGzip({ level: constants.Z_BEST_SPEED }) : undefined;
      if (sink !== undefined) sink.pipe(response);
      pour(sink ?? response);
    });
    const browse = createWebBrowse({ allowPrivateNetwork: true, maxBytes: 1024 * 1024, maxChars: 1000 });

    for (const path of ['/plain', '/gzip']) {
      const result = await browse.run({ url: `${server.url}${path}` });
      expect(result).toContain(
        '[The page is larger than 1 MB: only its first 1 MB were read, so the end of the page is missing.]',
      );
    }
    const search = createWebSearch({ apiKey: 'BSA-test-key-0123', endpoint: server.url });
    expect(await search.run({ query: 'endless' })).toBe(
      `Error: 127.0.0.1:${server.port} sent a response larger than 4 MB.`,
    );
    await expect.poll(() => closed.length).toBe(3);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    ['zstd', zstdCompressSync],
  ] as const)('caps a %s compression bomb on its decompressed size', async (encoding, compress) => {
    const bomb = compress(Buffer.alloc(64 * 1024 * 1024, 'a'));
    expect(bomb.byteLength).toBeLessThan(256 * 1024);
    await using server = await startLoopbackServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': encoding });
      response.end(bomb);
    });
    const browse = createWebBrowse({ allowPrivateNetwork: true, maxBytes: 512 * 1024, maxChars: 1000 });

    const result = await browse.run({ url: server.url });

    expect(result).toMatch(/^URL: .*\n\na{1000}\n\n\[Cut here: 523288 of the page's 524288 characters are not shown/);
    expect(result).toContain('[The page is larger than 512 KB: only its first 512 KB were read');
  });
});

// Writes one small piece every 50 ms for as long as the connection lasts.
function drip(response: ServerResponse, write: () => void): void {
  const timer = setInterval(write, 50);
  response.once('close', () => clearInterval(timer));
  response.socket?.once('close', () => clearInterval(timer));
}

// Writes 64 KiB chunks as fast as the reader takes them, forever.
function pour(target: NodeJS.WritableStream): void {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const more = (): void => {
    while (target.write(chunk));
    target.once('drain', more);
  };
  more();
}
