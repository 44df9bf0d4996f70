import { embeddedIpv4, parseAddress } from './ip-address';

/** Kinds of address a callback may not reach: everything that is not the public internet. */
export type AddressRange =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

type Ipv4Block = readonly [first: string, bits: number, range: AddressRange];

/** Longer prefixes first, so 255.255.255.255 is `broadcast` rather than `reserved`. */
const IPV4_BLOCKS: readonly Ipv4Block[] = [
  ['255.255.255.255', 32, 'broadcast'],
  ['0.0.0.0', 8, 'unspecified'], // "this network"; 0.0.0.0 reaches the host itself
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'], // carrier-grade NAT, RFC 6598
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // cloud metadata services live at 169.254.169.254
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'reserved'], // documentation
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'], // documentation
  ['203.0.113.0', 24, 'reserved'], // documentation
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

function ipv4Number(text: string): number {
  const parsed = parseAddress(text);
  if (parsed?.family !== 4) throw new Error(`not an IPv4 address: ${text}`);
  return parsed.value;
}

const IPV4_TABLE = IPV4_BLOCKS.map(([first, bits, range]) => ({
  first: ipv4Number(first),
  size: 2 ** (32 - bits),
  range,
}));

function ipv4Range(value: number): AddressRange | undefined {
  return IPV4_TABLE.find((b) => value >= b.first && value < b.first + b.size)?.range;
}

function startsWith(groups: readonly number[], prefix: readonly number[], bits: number): boolean {
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

function ipv6Range(groups: readonly number[]): AddressRange | undefined {
  const zeroHead = groups.slice(0, 6).every((g) => g === 0);
  if (zeroHead && groups[6] === 0 && groups[7] === 0) return 'unspecified';
  if (zeroHead && groups[6] === 0 && groups[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the IPv4 address inside.
  if (startsWith(groups, [0, 0, 0, 0, 0, 0xffff], 96) || startsWith(groups, [0x64, 0xff9b], 96)) {
    return ipv4Range(embeddedIpv4(groups));
  }
  if (zeroHead) return 'reserved'; // the deprecated IPv4-compatible form ::a.b.c.d
  if (startsWith(groups, [0xfc00], 7)) return 'private'; // unique local
  if (startsWith(groups, [0xfe80], 10)) return 'link-local';
  if (startsWith(groups, [0xfec0], 10)) return 'private'; // deprecated site-local
  if (startsWith(groups, [0xff00], 8)) return 'multicast';
  if (startsWith(groups, [0x2001, 0x0db8], 32)) return 'reserved'; // documentation
  if (startsWith(groups, [0x0100], 64)) return 'reserved'; // discard-only
  return undefined;
}

/**
 * The non-public range an IP address is in, or undefined for a public address. Text that is not
 * an IP address counts as `reserved`: an address nobody can vouch for is refused.
 */
export function addressRange(address: string): AddressRange | undefined {
  const parsed = parseAddress(address);
  if (!parsed) return 'reserved';
  return parsed.family === 4 ? ipv4Range(parsed.value) : ipv6Range(parsed.groups);
}
