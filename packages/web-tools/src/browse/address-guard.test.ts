import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { BlockedAddressError, createAddressGuard } from './address-guard.ts';
import type { DnsLookup } from './address-guard.ts';
import { WebToolError } from '../web-tool-error.ts';
import { addressVersion, classifyAddress, formatAddress, parseAddress, parseCidr } from './address-ranges.ts';

function kindOf(address: string): string | undefined {
  const bytes = parseAddress(address);
  if (bytes === undefined) throw new Error(`test address does not parse: ${address}`);
  return classifyAddress(bytes, addressVersion(address) ?? 6);
}

/** A resolver answering from a table, as a DNS server under an attacker's control could. */
function fakeResolver(table: Record<string, string[]>): DnsLookup {
  return (hostname, _options, callback) => {
    const addresses = table[hostname];
    if (addresses === undefined) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), []);
      return;
    }
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

function resolveWith(lookup: DnsLookup, hostname: string, all: boolean): Promise<unknown> {
  return new Promise((resolve, reject) => {
    lookup(hostname, { all }, (error, address) => {
      if (error === null) resolve(address);
      else reject(error);
    });
  });
}

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['100.64.0.1', 'carrier_grade_nat'],
    ['100.127.255.255', 'carrier_grade_nat'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456::1', 'unique_local'],
    ['169.254.169.254', 'cloud_metadata'],
    ['169.254.170.2', 'cloud_metadata'],
    ['fd00:ec2::254', 'cloud_metadata'],
    ['100.100.100.200', 'cloud_metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:8.8.8.8', 'ipv4_mapped'],
    ['2001::1', 'teredo'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
  ])('refuses %s as %s', (address, kind) => {
    expect(kindOf(address)).toBe(kind);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'cloud_metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'cloud_metadata'],
  ])('sees through the IPv6 form %s of an IPv4 address (%s)', (address, kind) => {
    expect(kindOf(address)).toBe(kind);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.128.0.1',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '2002:808:808::',
  ])('lets the public address %s through', (address) => {
    expect(kindOf(address)).toBeUndefined();
  });

  it('does not take host names or malformed text for addresses', () => {
    expect(parseAddress('localhost')).toBeUndefined();
    expect(parseAddress('127.1')).toBeUndefined();
    expect(parseAddress('1.2.3.4.5')).toBeUndefined();
  });

  it('formats addresses for messages in their usual notation', () => {
    expect(formatAddress(parseAddress('::ffff:7f00:1')!)).toBe('127.0.0.1');
    expect(formatAddress(parseAddress('fd00:0ec2:0:0:0:0:0:0254')!)).toBe('fd00:ec2::254');
  });

  it('parses CIDR ranges and rejects bad ones', () => {
    expect(parseCidr('10.0.0.0/8').prefixLength).toBe(104);
    expect(parseCidr('fd00::/8').prefixLength).toBe(8);
    expect(parseCidr('10.1.2.3').prefixLength).toBe(128);
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix length/);
    expect(() => parseCidr('10.0.0.0/x')).toThrow(/prefix length/);
    expect(() => parseCidr('intranet/8')).toThrow(/not an IP address/);
  });
});

describe('createAddressGuard', () => {
  it('refuses a host name in the lookup that the connection uses, naming the address and why', async () => {
    const guard = createAddressGuard({
      allowedAddresses: [],
      dnsLookup: fakeResolver({ 'metadata.test': ['169.254.169.254'] }),
    });
    const refusal = resolveWith(guard.lookup, 'metadata.test', true);
    await expect(refusal).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(refusal).rejects.toThrow('metadata.test (169.254.169.254) is a cloud metadata service address');
  });

  it('raises a WebToolError whose kind is a snake_case code, and keeps words for the message', () => {
    const guard = createAddressGuard({ allowedAddresses: [], dnsLookup: fakeResolver({}) });
    let refusal: unknown;
    try {
      guard.checkHost(new URL('http://100.64.0.1/'));
    } catch (error) {
      refusal = error;
    }
    expect(WebToolError.isInstance(refusal)).toBe(true);
    expect(refusal).toMatchObject({
      code: 'web_tool',
      hostname: '100.64.0.1',
      address: '100.64.0.1',
      kind: 'carrier_grade_nat',
      message: '100.64.0.1 is a carrier-grade NAT address (100.64.0.0/10)',
    });
  });

  it('refuses a host name when any of its addresses is internal, as a rebinding server would mix them', async () => {
    const guard = createAddressGuard({
      allowedAddresses: [],
      dnsLookup: fakeResolver({ 'mixed.test': ['93.184.215.14', '10.0.0.7'] }),
    });
    await expect(resolveWith(guard.lookup, 'mixed.test', true)).rejects.toThrow('10.0.0.7');
  });

  it('answers in the shape the caller asked for: one address, or all of them', async () => {
    const guard = createAddressGuard({
      allowedAddresses: [],
      dnsLookup: fakeResolver({ 'public.test': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] }),
    });
    await expect(resolveWith(guard.lookup, 'public.test', false)).resolves.toBe('93.184.215.14');
    const all = (await resolveWith(guard.lookup, 'public.test', true)) as LookupAddress[];
    expect(all.map((entry) => entry.address)).toEqual(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']);
  });

  it('passes resolver failures on unchanged', async () => {
    const guard = createAddressGuard({ allowedAddresses: [], dnsLookup: fakeResolver({}) });
    await expect(resolveWith(guard.lookup, 'nowhere.test', true)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('lets allowed addresses and ranges through, and nothing else', async () => {
    const guard = createAddressGuard({
      allowedAddresses: ['10.1.2.3', '192.168.10.0/24'],
      dnsLookup: fakeResolver({ 'wiki.test': ['10.1.2.3'], 'nas.test': ['192.168.10.20'], 'db.test': ['10.1.2.4'] }),
    });
    await expect(resolveWith(guard.lookup, 'wiki.test', false)).resolves.toBe('10.1.2.3');
    await expect(resolveWith(guard.lookup, 'nas.test', false)).resolves.toBe('192.168.10.20');
    await expect(resolveWith(guard.lookup, 'db.test', false)).rejects.toThrow('a private network address');
  });

  it('checks IP-literal hosts, which never reach a lookup', () => {
    const guard = createAddressGuard({ allowedAddresses: [], dnsLookup: fakeResolver({}) });
    expect(() => guard.checkHost(new URL('http://[::ffff:a9fe:a9fe]/latest/meta-data/'))).toThrow(
      'a cloud metadata service address',
    );
    expect(() => guard.checkHost(new URL('http://0x7f000001/'))).toThrow('loopback');
    expect(() => guard.checkHost(new URL('http://8.8.8.8/'))).not.toThrow();
    expect(() => guard.checkHost(new URL('http://example.com/'))).not.toThrow();
  });

  it('refuses IPv4-mapped IPv6 (::ffff:0:0/96) and Teredo (2001::/32) addresses, whatever IPv4 they carry', async () => {
    const guard = createAddressGuard({
      allowedAddresses: [],
      dnsLookup: fakeResolver({
        'mapped.test': ['::ffff:8.8.8.8'],
        'teredo.test': ['2001:0:4136:e378:8000:63bf:3fff:fdd2'],
      }),
    });
    // Written as IPv6, a mapped address is a dual-stack socket's back door to IPv4; Teredo hides
    // the IPv4 of a relay and an obfuscated client, which no table can classify.
    expect(() => guard.checkHost(new URL('http://[::ffff:8.8.8.8]/'))).toThrow(
      '(8.8.8.8) is an IPv4-mapped IPv6 address (::ffff:0:0/96)',
    );
    expect(() => guard.checkHost(new URL('http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/'))).toThrow(
      'is a Teredo tunnel address (2001::/32)',
    );
    await expect(resolveWith(guard.lookup, 'mapped.test', true)).rejects.toThrow('IPv4-mapped');
    await expect(resolveWith(guard.lookup, 'teredo.test', true)).rejects.toThrow('Teredo');
    // The IPv4 address itself, and its mapped form that names a known kind, keep their own wording.
    expect(() => guard.checkHost(new URL('http://8.8.8.8/'))).not.toThrow();
    expect(() => guard.checkHost(new URL('http://[::ffff:127.0.0.1]/'))).toThrow('a loopback address');
  });
});
