import { lookup as systemLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { TinyAgentErrorOptions } from '@tinyagent/core';
import { addressVersion, classifyAddress, formatAddress, inRange, parseAddress, parseCidr } from './address-ranges.ts';
import type { AddressKind } from './address-ranges.ts';
import { WebToolError } from '../web-tool-error.ts';

/**
 * A DNS lookup with the signature of `dns.lookup` (callback style), as taken by `http.request` and
 * got's `dnsLookup` option.
 */
export type DnsLookup = (
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** What a refusal is about: the host asked for, the address it resolved to, and why it is refused. */
export interface BlockedAddressContext {
  hostname: string;
  address: string;
  kind: AddressKind;
}

/**
 * The error the guard raises for a refused address. A WebToolError, since the model can act on it
 * by choosing another source; got wraps it as the `cause` of its RequestError.
 */
export class BlockedAddressError extends WebToolError {
  readonly hostname: string;
  readonly address: string;
  readonly kind: AddressKind;

  constructor(message: string, options: TinyAgentErrorOptions & BlockedAddressContext) {
    super(message, options);
    this.hostname = options.hostname;
    this.address = options.address;
    this.kind = options.kind;
  }
}

/** Settings of the guard, from the web_browse options. */
export interface AddressGuardOptions {
  allowedAddresses: readonly string[];
  dnsLookup: DnsLookup | undefined;
}

/** The two halves of the guard: a DNS lookup that refuses what it resolves, and a check of IP-literal hosts. */
export interface AddressGuard {
  /** Resolves like `dns.lookup`, failing with BlockedAddressError when any address is refused. */
  lookup: DnsLookup;
  /** Throws BlockedAddressError when the URL's host is an IP literal that is refused. */
  checkHost(url: URL): void;
}

/**
 * Creates the SSRF guard. The check lives in the lookup that the connection itself uses, so the
 * address checked is the address connected to: there is no second resolution for a rebinding DNS
 * server to answer differently. IP-literal hosts never reach a lookup and are checked by `checkHost`
 * (the WHATWG URL parser has already turned decimal, hex and octal IPv4 forms into dotted ones).
 */
export function createAddressGuard(options: AddressGuardOptions): AddressGuard {
  const allowed = options.allowedAddresses.map((entry) => parseCidr(entry));
  const resolve = options.dnsLookup ?? systemLookup;

  const refusal = (hostname: string, address: string): BlockedAddressError | undefined => {
    const bytes = parseAddress(address);
    if (bytes === undefined) return undefined;
    if (allowed.some((range) => inRange(bytes, range.bytes, range.prefixLength))) return undefined;
    const kind = classifyAddress(bytes, addressVersion(address) ?? 6);
    if (kind === undefined) return undefined;
    const shown = formatAddress(bytes);
    const resolved = hostname === shown ? shown : `${hostname} (${shown})`;
    return new BlockedAddressError(`${resolved} is ${describeKind(kind)}`, { hostname, address: shown, kind });
  };

  const lookup: DnsLookup = (hostname, lookupOptions, callback) => {
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error !== null) {
        callback(error, []);
        return;
      }
      const list: LookupAddress[] = Array.isArray(addresses) ? addresses : [{ address: addresses, family: 0 }];
      // One refused address refuses the host: a name that mixes public and internal records is
      // exactly what a rebinding attack serves.
      const refused = list.map((entry) => refusal(hostname, entry.address)).find((error) => error !== undefined);
      if (refused !== undefined) {
        callback(refused, []);
      } else if (lookupOptions.all === true) {
        callback(null, list);
      } else {
        const first = list[0];
        callback(null, first?.address ?? '', first?.family ?? 4);
      }
    });
  };

  const checkHost = (url: URL): void => {
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (isIP(host) === 0) return;
    const refused = refusal(host, host);
    if (refused !== undefined) throw refused;
  };

  return { lookup, checkHost };
}

// The kinds are snake_case codes for code; the message a model reads names them in words.
function describeKind(kind: AddressKind): string {
  switch (kind) {
    case 'cloud_metadata':
      return 'a cloud metadata service address';
    case 'unspecified':
      return 'the unspecified address, which reaches this machine';
    case 'loopback':
      return 'a loopback address (this machine)';
    case 'private':
      return 'a private network address';
    case 'carrier_grade_nat':
      return 'a carrier-grade NAT address (100.64.0.0/10)';
    case 'link_local':
      return 'a link-local address';
    case 'unique_local':
      return 'a unique-local IPv6 address (fc00::/7)';
    case 'multicast':
      return 'a multicast address';
    case 'reserved':
      return 'a reserved address';
    case 'ipv4_mapped':
      return 'an IPv4-mapped IPv6 address (::ffff:0:0/96)';
    case 'teredo':
      return 'a Teredo tunnel address (2001::/32)';
  }
}
