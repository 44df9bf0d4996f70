import { StorageBackendError } from './errors/storage-backend-error';
import type { Clock } from './presigner';
import type { DropboxConfig } from './storage-config';

export interface DropboxTokenSourceOptions {
  /** @defaultValue `() => new Date()` */
  clock?: Clock;
  /** @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch;
  /** Per request. @defaultValue 30000 */
  timeoutMs?: number;
}

interface CachedToken {
  value: string;
  /** When to stop using it: a margin before Dropbox says it expires. */
  refreshAt: number;
}

/**
 * Short-lived Dropbox access tokens from a long-lived refresh token (`grant_type=refresh_token`).
 * A token is reused until shortly before it expires, and concurrent callers share one refresh.
 *
 * @see https://developers.dropbox.com/oauth-guide
 */
export class DropboxTokenSource {
  private cached: CachedToken | undefined;
  private refreshing: Promise<string> | undefined;
  private readonly clock: Clock;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: Pick<
      DropboxConfig,
      'appKey' | 'appSecret' | 'refreshToken' | 'tokenUrl'
    >,
    options: DropboxTokenSourceOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async token(): Promise<string> {
    const cached = this.cached;
    if (cached && this.clock().getTime() < cached.refreshAt) return cached.value;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Forgets `token` after Dropbox refused it, unless a newer one already replaced it. */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async refresh(): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: this.config.refreshToken,
      client_id: this.config.appKey,
      client_secret: this.config.appSecret,
    });
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(this.config.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      throw new StorageBackendError(
        'dropbox',
        'oauth2/token',
        { code: errorName(err) },
        { cause: err },
      );
    }
    const json = parseJson(text);
    if (!response.ok) {
      // OAuth errors are `{ error, error_description }`; neither echoes the secret or the token.
      const code = typeof json?.error === 'string' ? json.error : undefined;
      throw new StorageBackendError('dropbox', 'oauth2/token', {
        status: response.status,
        ...(code === undefined ? {} : { code }),
      });
    }
    const accessToken = json?.access_token;
    const expiresIn = json?.expires_in;
    if (typeof accessToken !== 'string' || typeof expiresIn !== 'number') {
      throw new StorageBackendError('dropbox', 'oauth2/token', {
        status: response.status,
        code: 'malformed_token_response',
      });
    }
    // Refresh five minutes early (or halfway through a very short-lived token) so a token never
    // expires between our check and Dropbox's.
    const marginMs = Math.min(300_000, (expiresIn * 1000) / 2);
    this.cached = {
      value: accessToken,
      refreshAt: this.clock().getTime() + expiresIn * 1000 - marginMs,
    };
    return accessToken;
  }
}

export function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The name of what a request threw (`timeout` for an `AbortSignal.timeout`), never its message. */
export function errorName(err: unknown): string {
  // By shape, not `instanceof Error`: a timeout is a DOMException, from another realm in tests.
  const name =
    typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  if (typeof name !== 'string') return typeof err;
  return name === 'TimeoutError' ? 'timeout' : name;
}
