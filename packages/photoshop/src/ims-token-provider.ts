import axios, { type AxiosInstance } from 'axios';
import { coerceError } from '@darkroom/core';
import {
  annotateSpan,
  SPAN_ATTRIBUTES as ATTR,
  SPAN_NAMES,
  SpanKind,
  withSpan,
} from '@darkroom/tracing';
import { type HttpError } from './errors/http-error';
import { NetworkError } from './errors/network-error';
import { PhotoshopError } from './errors/photoshop-error';
import { TimeoutError } from './errors/timeout-error';
import { httpErrorFromReply } from './http-error-from-reply';
import type { RequestEvent } from './request-event';
import type { TokenProvider } from './token-provider';

export interface ImsTokenProviderOptions {
  /**
   * IMS base URL; the token is requested from `{imsBaseUrl}/ims/token/v3`.
   * @defaultValue 'https://ims-na1.adobelogin.com'
   */
  imsBaseUrl?: string;
  /** OAuth server-to-server client id (also sent as `x-api-key`). */
  clientId: string;
  clientSecret: string;
  /**
   * Comma-separated scopes.
   * @defaultValue 'openid,AdobeID,read_organizations'
   */
  scope?: string;
  /**
   * Refresh this long before `expires_in` runs out, so a token never expires mid-request.
   * @defaultValue 300_000 (5 minutes)
   */
  refreshMarginMs?: number;
  /**
   * Timeout of the token request.
   * @defaultValue 10_000
   */
  timeoutMs?: number;
  /** Called once per token request, for metrics. */
  onRequest?: (event: RequestEvent) => void;
  /** Clock, for tests of expiry. @defaultValue Date.now */
  now?: () => number;
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

/**
 * OAuth server-to-server (client_credentials) tokens from Adobe IMS, cached until shortly before
 * they expire. Concurrent callers share one in-flight request.
 */
export class ImsTokenProvider implements TokenProvider {
  private cached: CachedToken | undefined;
  private inflight: Promise<CachedToken> | undefined;
  private generation = 0;
  private readonly http: AxiosInstance;
  private readonly url: string;
  private readonly now: () => number;

  constructor(private readonly options: ImsTokenProviderOptions) {
    const base = (options.imsBaseUrl ?? 'https://ims-na1.adobelogin.com').replace(/\/+$/, '');
    this.url = `${base}/ims/token/v3`;
    this.now = options.now ?? Date.now;
    this.http = axios.create({ timeout: options.timeoutMs ?? 10_000, maxRedirects: 0 });
  }

  async getToken(signal?: AbortSignal): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.token;
    if (!this.inflight) {
      const generation = this.generation;
      const request = this.fetchToken().then((t) => {
        if (generation === this.generation) this.cached = t;
        return t;
      });
      this.inflight = request;
      const clear = () => {
        if (this.inflight === request) this.inflight = undefined;
      };
      request.then(clear, clear);
    }
    const pending = this.inflight;
    if (!signal) return (await pending).token;
    // One caller giving up must not cancel the shared request for the others.
    signal.throwIfAborted();
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (t) => {
          signal.removeEventListener('abort', onAbort);
          resolve(t.token);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(coerceError(e));
        },
      );
    });
  }

  /**
   * Forget the cached token (after a 401); the next `getToken` asks IMS again. With
   * `rejectedToken`, a report about a token already replaced (or being replaced) is ignored, so
   * many requests failing with the same stale token cause one refresh, not one each.
   */
  invalidate(rejectedToken?: string): void {
    if (rejectedToken !== undefined) {
      if (this.cached && this.cached.token !== rejectedToken) return;
      if (!this.cached && this.inflight) return;
    }
    this.cached = undefined;
    this.inflight = undefined;
    this.generation += 1;
  }

  /** One token request to IMS, in an `ims.token` span (its host only: the path names tokens). */
  private fetchToken(): Promise<CachedToken> {
    const { hostname, port } = new URL(this.url);
    return withSpan(
      SPAN_NAMES.imsToken,
      {
        [ATTR.httpMethod]: 'POST',
        [ATTR.serverAddress]: hostname,
        [ATTR.serverPort]: port === '' ? undefined : Number(port),
      },
      () => this.requestToken(),
      { kind: SpanKind.CLIENT },
    );
  }

  private async requestToken(): Promise<CachedToken> {
    const started = this.now();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
      scope: this.options.scope ?? 'openid,AdobeID,read_organizations',
    });
    const emit = (status?: number, error?: string) => {
      annotateSpan({ [ATTR.httpStatusCode]: status });
      this.options.onRequest?.({
        endpointClass: 'token',
        method: 'POST',
        durationMs: this.now() - started,
        attempt: 1,
        ...(status !== undefined ? { status } : {}),
        ...(error !== undefined ? { error } : {}),
      });
    };
    try {
      const res = await this.http.post<unknown>(this.url, form.toString(), {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      emit(res.status);
      const body = res.data as { access_token?: unknown; expires_in?: unknown };
      if (typeof body.access_token !== 'string' || body.access_token === '') {
        throw new PhotoshopError('IMS token reply has no access_token');
      }
      const expiresInMs =
        (typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in)) * 1000;
      const lifetime = Number.isFinite(expiresInMs) && expiresInMs > 0 ? expiresInMs : 3_600_000;
      const margin = Math.min(this.options.refreshMarginMs ?? 300_000, lifetime / 2);
      return { token: body.access_token, refreshAt: this.now() + lifetime - margin };
    } catch (err) {
      // The axios error holds the form with the client secret: never pass it on as a cause.
      if (err instanceof PhotoshopError) throw err;
      if (axios.isAxiosError(err)) {
        if (err.response) {
          const e: HttpError = httpErrorFromReply({
            status: err.response.status,
            method: 'POST',
            url: this.url,
            data: err.response.data,
            retryAfter: err.response.headers['retry-after'] as string | undefined,
          });
          emit(err.response.status, e.type ?? `http_${err.response.status}`);
          throw e;
        }
        if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') {
          emit(undefined, 'timeout');
          throw new TimeoutError('POST', this.url, this.options.timeoutMs ?? 10_000);
        }
        emit(undefined, err.code ?? 'network');
        throw new NetworkError('POST', this.url, err.code);
      }
      throw err;
    }
  }
}

/** Same as `new ImsTokenProvider(options)`. */
export function createImsAuth(options: ImsTokenProviderOptions): ImsTokenProvider {
  return new ImsTokenProvider(options);
}
