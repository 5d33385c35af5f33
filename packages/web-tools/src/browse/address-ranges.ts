import { isIPv4, isIPv6 } from 'node:net';

// Every address is compared as 16 bytes: IPv4 as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so one
// table covers both families and `::ffff:127.0.0.1` can never slip past a rule written for 127/8.

/** Why an address is refused: the kind of network it belongs to. */
export type AddressKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'carrier_grade_nat'
  | 'link_local'
  | 'unique_local'
  | 'cloud_metadata'
  | 'multicast'
  | 'reserved'
  | 'ipv4_mapped'
  | 'teredo';

/** How an address was written (or resolved): IPv4 text, or IPv6 text. */
export type AddressVersion = 4 | 6;

interface Range {
  bytes: Uint8Array;
  prefixLength: number;
  version: AddressVersion;
  kind: AddressKind;
}

// Most specific first: the metadata endpoints sit inside the link-local, CGNAT and unique-local
// ranges, and the refusal should name them for what they are.
const RANGE_TABLE: readonly (readonly [string, AddressKind])[] = [
  ['169.254.169.254/32', 'cloud_metadata'], // AWS, GCP, Azure, OpenStack, DigitalOcean
  ['169.254.170.2/32', 'cloud_metadata'], // AWS ECS task metadata
  ['100.100.100.200/32', 'cloud_metadata'], // Alibaba Cloud
  ['192.0.0.192/32', 'cloud_metadata'], // Oracle Cloud
  ['fd00:ec2::254/128', 'cloud_metadata'], // AWS IPv6
  ['0.0.0.0/8', 'unspecified'], // 0.0.0.0 reaches the local host on Linux and macOS
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier_grade_nat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'], // includes the broadcast address 255.255.255.255
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'], // local-use NAT64
  ['100::/64', 'reserved'],
  ['2001:db8::/32', 'reserved'],
  ['fc00::/7', 'unique_local'],
  ['fe80::/10', 'link_local'],
  ['fec0::/10', 'private'], // deprecated site-local
  ['ff00::/8', 'multicast'],
  // After the IPv4 rows, so that ::ffff:127.0.0.1 is still named a loopback address. Written as
  // IPv6, a mapped address reaches IPv4 through a dual-stack socket: no public host needs that.
  ['::ffff:0:0/96', 'ipv4_mapped'],
  // Teredo carries a relay's IPv4 and an obfuscated client IPv4, which no row of this table can see.
  ['2001::/32', 'teredo'],
];

const RANGES: readonly Range[] = RANGE_TABLE.map(([cidr, kind]) => ({
  ...parseCidr(cidr),
  version: isIPv4(cidr.split('/')[0] ?? '') ? 4 : 6,
  kind,
}));

/**
 * Parses an IPv4 or IPv6 address (an IPv6 zone such as `%eth0` is ignored) into 16 bytes, IPv4 as
 * IPv4-mapped IPv6. Returns undefined for anything that is not an IP address.
 */
export function parseAddress(address: string): Uint8Array | undefined {
  const plain = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(plain)) return mappedIPv4(plain.split('.').map(Number));
  const withoutZone = plain.split('%')[0] ?? '';
  if (!isIPv6(withoutZone)) return undefined;
  return parseIPv6(withoutZone);
}

/**
 * The kind of non-public network `address` belongs to, or undefined for a public address. `version`
 * says how it was written: IPv4 addresses are held in their IPv4-mapped form, so only an address
 * written as IPv6 can belong to the IPv4-mapped range itself.
 */
export function classifyAddress(address: Uint8Array, version: AddressVersion): AddressKind | undefined {
  for (const range of RANGES) {
    if (range.version === 6 && version === 4) continue;
    if (inRange(address, range.bytes, range.prefixLength)) return range.kind;
  }
  // IPv6 forms that carry an IPv4 address the packet is eventually delivered to.
  const embedded = embeddedIPv4(address);
  return embedded === undefined ? undefined : classifyAddress(mappedIPv4(embedded), 4);
}

/** How `address` is written: 4 for IPv4 text, 6 for IPv6 text (brackets and zone allowed), else undefined. */
export function addressVersion(address: string): AddressVersion | undefined {
  const plain = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(plain)) return 4;
  return isIPv6(plain.split('%')[0] ?? '') ? 6 : undefined;
}

/** Formats 16 address bytes for messages: dotted IPv4 for mapped addresses, else compressed IPv6. */
export function formatAddress(address: Uint8Array): string {
  if (inRange(address, IPV4_MAPPED_PREFIX, 96)) return [...address.subarray(12)].join('.');
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) {
    groups.push((((address[index] ?? 0) << 8) | (address[index + 1] ?? 0)).toString(16));
  }
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** Parses `address/prefixLength` (or a single address) into a matcher; throws on bad input. */
export function parseCidr(cidr: string): { bytes: Uint8Array; prefixLength: number } {
  const [address = '', prefix] = cidr.split('/');
  const bytes = parseAddress(address);
  if (bytes === undefined) throw new Error(`not an IP address: ${JSON.stringify(address)}`);
  const isV4 = isIPv4(address);
  const length = prefix === undefined ? (isV4 ? 32 : 128) : Number(prefix);
  const maximum = isV4 ? 32 : 128;
  if (!Number.isInteger(length) || length < 0 || length > maximum || (prefix !== undefined && !/^\d+$/.test(prefix))) {
    throw new Error(`not a prefix length between 0 and ${maximum}: ${JSON.stringify(prefix)}`);
  }
  return { bytes, prefixLength: isV4 ? length + 96 : length };
}

/** True when the first `prefixLength` bits of `address` and `network` agree. */
export function inRange(address: Uint8Array, network: Uint8Array, prefixLength: number): boolean {
  const fullBytes = Math.floor(prefixLength / 8);
  for (let index = 0; index < fullBytes; index += 1) {
    if (address[index] !== network[index]) return false;
  }
  const remainingBits = prefixLength % 8;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return ((address[fullBytes] ?? 0) & mask) === ((network[fullBytes] ?? 0) & mask);
}

const IPV4_MAPPED_PREFIX = mappedIPv4([0, 0, 0, 0]);
const NAT64_PREFIX = parseIPv6('64:ff9b::');
const SIX_TO_FOUR_PREFIX = parseIPv6('2002::');
const ZERO = new Uint8Array(16);

function embeddedIPv4(address: Uint8Array): number[] | undefined {
  // NAT64 (64:ff9b::a.b.c.d) and the deprecated IPv4-compatible form (::a.b.c.d) end with it;
  // 6to4 (2002:aabb:ccdd::) carries it in bytes 2-5.
  if (inRange(address, NAT64_PREFIX, 96) || inRange(address, ZERO, 96)) return [...address.subarray(12)];
  if (inRange(address, SIX_TO_FOUR_PREFIX, 16)) return [...address.subarray(2, 6)];
  return undefined;
}

function mappedIPv4(octets: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(octets, 12);
  return bytes;
}

function parseIPv6(address: string): Uint8Array {
  // Node has validated the text: at most one `::`, and a dotted IPv4 tail only at the end.
  const [head = '', tail] = address.split('::');
  const toGroups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const headGroups = toGroups(head);
  const tailGroups = tail === undefined ? [] : toGroups(tail);
  const zeros = new Array<number>(8 - headGroups.length - tailGroups.length).fill(0);
  const bytes = new Uint8Array(16);
  [...headGroups, ...zeros, ...tailGroups].forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}
