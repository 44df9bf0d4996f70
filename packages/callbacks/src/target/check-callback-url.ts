import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { coerceError, urlOriginAndPath } from '@darkroom/core';
import { CallbackUrlError } from '../errors/callback-url-error';
import { addressRange } from './address-ranges';
import { isAllowListed } from './allow-list';

/** One address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Turns a host name into every address it has. */
export type ResolveHost = (host: string) => Promise<ResolvedAddress[]>;

export interface CallbackUrlOptions {
  /**
   * Hosts that may be called although they are not public, over `http` too: `host:port` or
   * `host` entries (`localhost:4000`, `[::1]:8080`, `callbacks.internal`). For local development
   * and tests; production leaves it empty.
   * @defaultValue []
   */
  allow?: readonly string[];
  /**
   * The resolver. @defaultValue the system resolver (`dns.lookup` with `all: true`), which reads
   * /etc/hosts as every other program on the machine does
   */
  resolve?: ResolveHost;
}

/** A callback URL that passed the syntax rules (no I/O yet). */
export interface ParsedCallbackUrl {
  url: URL;
  /** Origin and path: the only form of the URL any view, log line or error shows. */
  target: string;
  allowListed: boolean;
}

/** A callback URL that passed every rule, with the address the request must connect to. */
export interface CheckedCallbackUrl extends ParsedCallbackUrl {
  /** The checked address; connecting to it (not resolving again) defeats DNS rebinding. */
  address: ResolvedAddress;
}

export const systemResolver: ResolveHost = async (host) => {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * The rules a callback URL can be checked against without I/O: a URL, `https` (or `http` for a
 * host on the allow-list), no user name or password. Producers run this at intake.
 * @throws {CallbackUrlError} rule `url`, `https` or `userinfo`
 */
export function parseCallbackUrl(
  text: string,
  options: CallbackUrlOptions = {},
): ParsedCallbackUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CallbackUrlError(
      'url',
      'callback.url must be an absolute URL such as https://app.example.com/hooks/darkroom',
    );
  }
  const target = urlOriginAndPath(url.href);
  const allowListed = isAllowListed(url, options.allow);
  const schemes = allowListed ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    throw new CallbackUrlError(
      'https',
      `callback.url must use https (http only for hosts on the allow-list): ${url.protocol}//${url.host}${url.pathname}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new CallbackUrlError(
      'userinfo',
      `callback.url must not carry a user name or password: ${target}`,
    );
  }
  return { url, target, allowListed };
}

async function resolveHost(
  parsed: ParsedCallbackUrl,
  resolve: ResolveHost,
): Promise<ResolvedAddress[]> {
  // URL keeps IPv6 literals in brackets; IPv4 literals in any spelling come out dotted.
  const host = parsed.url.hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family: family === 6 ? 6 : 4 }];
  let found: ResolvedAddress[];
  try {
    found = await resolve(host);
  } catch (err) {
    const code = (coerceError(err) as { code?: unknown }).code;
    throw new CallbackUrlError(
      'dns',
      `callback.url host ${host} did not resolve${typeof code === 'string' ? ` (${code})` : ''}: ${parsed.target}`,
    );
  }
  if (found.length === 0) {
    throw new CallbackUrlError('dns', `callback.url host ${host} has no address: ${parsed.target}`);
  }
  return found;
}

/**
 * Every rule for a callback URL: those of {@link parseCallbackUrl}, then the host resolved and
 * every address it has checked, so one private address among public ones refuses the URL.
 * Loopback, private, link-local (cloud metadata), carrier-grade NAT, unspecified, multicast,
 * broadcast and reserved addresses are refused, in IPv4, IPv6 and IPv4-mapped IPv6 form, unless
 * the host is on the allow-list.
 * @throws {CallbackUrlError} rule `url`, `https`, `userinfo`, `dns` or `public-address`
 */
export async function checkCallbackUrl(
  text: string,
  options: CallbackUrlOptions = {},
): Promise<CheckedCallbackUrl> {
  const parsed = parseCallbackUrl(text, options);
  const addresses = await resolveHost(parsed, options.resolve ?? systemResolver);
  if (!parsed.allowListed) {
    for (const { address } of addresses) {
      const range = addressRange(address);
      if (range === undefined) continue;
      throw new CallbackUrlError(
        'public-address',
        `callback.url must reach a public address: ${parsed.url.hostname} is ${address} (${range}): ${parsed.target}`,
        range,
      );
    }
  }
  return { ...parsed, address: addresses[0]! };
}
