import { createPublicKey, type KeyObject } from 'node:crypto';
import { coerceError } from '@darkroom/core';
import { ADOBE_KEY_ORIGIN } from '../adobe-io-events';
import { HttpError, KeyPathError, KeyUnavailableError } from '../errors';
import { httpGet } from '../http/http-get';
import { keyPathViolation } from './key-path';

export interface PublicKeyStoreOptions {
  /**
   * Scheme, host and port the keys are fetched from; nothing else may be in it. A local stack
   * points this at its own key server.
   * @defaultValue `https://static.adobeioevents.com`
   */
  origin?: string;
  /**
   * How long a fetched key is used before it is fetched again.
   * @defaultValue 24 hours
   */
  ttlMs?: number;
  /**
   * Deadline of one key fetch.
   * @defaultValue 5000
   */
  timeoutMs?: number;
  /**
   * Largest key document accepted; a PEM RSA public key is well under 1 KiB.
   * @defaultValue 16384
   */
  maxBytes?: number;
  /** Clock, for the cache. @defaultValue `Date.now` */
  now?: () => number;
}

interface CacheEntry {
  key: Promise<KeyObject>;
  expiresAt: number;
}

/**
 * The RSA public keys Adobe signs deliveries with, fetched from one fixed origin and kept per
 * path for `ttlMs`. Concurrent gets of one path share one fetch; a failed fetch is forgotten so
 * the next delivery tries again.
 */
export class PublicKeyStore {
  readonly origin: string;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(options: PublicKeyStoreOptions = {}) {
    this.origin = parseOrigin(options.origin ?? ADOBE_KEY_ORIGIN);
    this.ttlMs = positive('ttlMs', options.ttlMs ?? 24 * 60 * 60 * 1000);
    this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? 5000);
    this.maxBytes = positive('maxBytes', options.maxBytes ?? 16 * 1024);
    this.now = options.now ?? Date.now;
  }

  /**
   * The key at `origin + path`. Throws `KeyPathError` (before any request) when `path` is not a
   * plain absolute `.pem` path, `KeyUnavailableError` when the key cannot be fetched or parsed.
   */
  get(path: string): Promise<KeyObject> {
    const rule = keyPathViolation(path);
    if (rule !== undefined) return Promise.reject(new KeyPathError(rule));
    const now = this.now();
    const cached = this.cache.get(path);
    if (cached && cached.expiresAt > now) return cached.key;
    this.dropExpired(now);
    const entry: CacheEntry = { key: this.fetchKey(path), expiresAt: now + this.ttlMs };
    this.cache.set(path, entry);
    entry.key.catch(() => {
      if (this.cache.get(path) === entry) this.cache.delete(path);
    });
    return entry.key;
  }

  private async fetchKey(path: string): Promise<KeyObject> {
    const url = new URL(this.origin + path);
    // The path rules already guarantee this; checked again because it is the SSRF boundary.
    if (url.origin !== this.origin) throw new KeyUnavailableError(this.origin, 'path left origin');
    const shown = url.origin + url.pathname;
    let body: Buffer;
    try {
      const res = await httpGet(url, { timeoutMs: this.timeoutMs, maxBytes: this.maxBytes });
      if (res.status !== 200) throw new KeyUnavailableError(shown, `status ${res.status}`);
      body = res.body;
    } catch (err) {
      if (err instanceof KeyUnavailableError) throw err;
      const reason = err instanceof HttpError ? err.message : coerceError(err).message;
      throw new KeyUnavailableError(shown, reason, { cause: err });
    }
    let key: KeyObject;
    try {
      key = createPublicKey({ key: body, format: 'pem' });
    } catch (err) {
      throw new KeyUnavailableError(shown, 'not a PEM public key', { cause: err });
    }
    if (key.asymmetricKeyType !== 'rsa') {
      throw new KeyUnavailableError(
        shown,
        `not an RSA key (${key.asymmetricKeyType ?? 'unknown'})`,
      );
    }
    return key;
  }

  private dropExpired(now: number): void {
    for (const [path, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(path);
  }
}

function parseOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new TypeError('PublicKeyStore option "origin": not a URL');
  }
  const bare = origin.replace(/\/$/, '');
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== bare) {
    throw new TypeError(
      'PublicKeyStore option "origin": must be http(s)://host[:port] with no path, query or credentials',
    );
  }
  return url.origin;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`PublicKeyStore option "${name}": must be a positive number`);
  }
  return value;
}
