import { isIP } from 'node:net';

/** An IP address as numbers: IPv4 as one 32-bit value, IPv6 as eight 16-bit groups. */
export type ParsedAddress = { family: 4; value: number } | { family: 6; groups: number[] };

function ipv4Value(text: string): number | undefined {
  if (isIP(text) !== 4) return undefined;
  return text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function ipv6Groups(text: string): number[] | undefined {
  let s = text.toLowerCase();
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // A dotted IPv4 tail (`::ffff:127.0.0.1`) is the last two groups.
    const v4 = ipv4Value(last);
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16));
}

/**
 * Parses an IP literal the way the resolver hands it over: dotted IPv4, or IPv6 in any of its
 * spellings (compressed, with a dotted IPv4 tail, with a `%zone`). Anything else is undefined.
 */
export function parseAddress(text: string): ParsedAddress | undefined {
  const bare = text.replace(/%.*$/, '');
  if (isIP(bare) === 4) {
    const value = ipv4Value(bare);
    return value === undefined ? undefined : { family: 4, value };
  }
  if (isIP(bare) !== 6) return undefined;
  const groups = ipv6Groups(bare);
  return groups ? { family: 6, groups } : undefined;
}

/** The IPv4 address in the last 32 bits of an IPv6 address. */
export function embeddedIpv4(groups: readonly number[]): number {
  return (groups[6] ?? 0) * 0x10000 + (groups[7] ?? 0);
}
