import axios, { type AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import axiosRetry from 'axios-retry';
import { coerceError, urlOriginAndPath } from '@darkroom/core';
import {
  annotateSpan,
  SPAN_ATTRIBUTES as ATTR,
  SPAN_NAMES,
  SpanKind,
  withSpan,
} from '@darkroom/tracing';
import {
  getOperation,
  statusPathTemplates,
  type OperationSpec,
  type StatusFamily,
} from './catalog';
import { v1SubmitReplySchema } from './contract/v1-status';
import { v2SubmitReplySchema } from './contract/v2';
import { ForeignStatusUrlError } from './errors/foreign-status-url-error';
import { HttpError } from './errors/http-error';
import { NetworkError } from './errors/network-error';
import { PhotoshopError } from './errors/photoshop-error';
import { RateLimitedError } from './errors/rate-limited-error';
import { SubmitOutcomeUnknownError } from './errors/submit-outcome-unknown-error';
import { TimeoutError } from './errors/timeout-error';
import { TokenUnavailableError } from './errors/token-unavailable-error';
import { httpErrorFromReply } from './http-error-from-reply';
import { normalizeStatus, type NormalizedStatus } from './normalize-status';
import type { RequestEvent } from './request-event';
import type { TokenProvider } from './token-provider';
import { assertRequestBody } from './validate-request-body';

export interface PhotoshopClientOptions {
  /**
   * API base URL per generation.
   * @defaultValue `{ v1: 'https://image.adobe.io', v2: 'https://photoshop-api.adobe.io' }`
   */
  baseUrls?: { v1: string; v2: string };
  /**
   * Origins (scheme, host, port) whose status URLs may be followed; the token goes nowhere else.
   * @defaultValue the origins of `baseUrls`
   */
  allowedOrigins?: readonly string[];
  /** The client id, sent as `x-api-key`. */
  apiKey: string;
  /** IMS org id, sent as `x-gw-ims-org-id` (needed only for I/O Events webhooks). */
  orgId?: string;
  /** Bearer tokens; `ImsTokenProvider` or anything with `getToken`/`invalidate`. */
  auth: TokenProvider;
  /**
   * Per-request timeout (each attempt).
   * @defaultValue 30_000
   */
  timeoutMs?: number;
  /**
   * Retries of a status GET after a 5xx or no reply. Adobe asks for three with exponential
   * back-off (general-workflow.md), so at most four requests. A submit POST is never repeated
   * here (see `SubmitOutcomeUnknownError`).
   * @defaultValue `{ retries: 3, baseDelayMs: 500 }`
   */
  retry?: { retries?: number; baseDelayMs?: number };
  /** Called after every HTTP attempt, for metrics. */
  onRequest?: (event: RequestEvent) => void;
}

export interface SubmitResult {
  statusUrl: string;
  jobId?: string;
}

type EndpointClass = RequestEvent['endpointClass'];

interface Tracked {
  darkroom?: { endpointClass: EndpointClass; attempt: number; startedAt: number };
}

const DEFAULT_BASE_URLS = { v1: 'https://image.adobe.io', v2: 'https://photoshop-api.adobe.io' };

// Codes that prove the request never reached the server, so even a POST is safe to report as a
// plain connection failure rather than an unknown outcome.
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

function isTimeout(err: AxiosError): boolean {
  return err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
}

/** Family of a status URL from its path; one published example drops the `/pie` prefix. */
function familyFromPath(pathname: string): StatusFamily | undefined {
  if (/\/psdService\/status\//.test(pathname)) return 'photoshop';
  if (pathname.startsWith('/sensei/status/')) return 'sensei';
  if (pathname.startsWith('/lrService/status/')) return 'lightroom';
  if (pathname.startsWith('/v1/status/')) return 'masking';
  if (/^\/v\d+\/status\//.test(pathname)) return 'v2';
  return undefined;
}

/**
 * Talks to Adobe's Photoshop API (both generations). Retries follow general-workflow.md: a GET
 * answered 5xx or not at all is retried with exponential back-off and jitter (three retries). A
 * POST is sent once: a 5xx or a lost reply may follow Adobe's acceptance of the job, so it throws
 * `SubmitOutcomeUnknownError` and the caller reconciles before it submits again. 429 throws `RateLimitedError` at once; 401 refreshes the
 * token once and repeats the request once.
 */
export class PhotoshopClient {
  private readonly http: AxiosInstance;
  private readonly baseUrls: { v1: string; v2: string };
  private readonly allowedOrigins: readonly string[];
  private readonly timeoutMs: number;

  constructor(private readonly options: PhotoshopClientOptions) {
    const bases = options.baseUrls ?? DEFAULT_BASE_URLS;
    this.baseUrls = { v1: bases.v1.replace(/\/+$/, ''), v2: bases.v2.replace(/\/+$/, '') };
    this.allowedOrigins = (options.allowedOrigins ?? [this.baseUrls.v1, this.baseUrls.v2]).map(
      (o) => new URL(o).origin,
    );
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.http = axios.create({
      timeout: this.timeoutMs,
      maxRedirects: 0,
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
    });
    this.installMetrics();
    const retries = options.retry?.retries ?? 3;
    const baseDelayMs = options.retry?.baseDelayMs ?? 500;
    axiosRetry(this.http, {
      retries,
      shouldResetTimeout: true,
      retryCondition: (err) => {
        if (axios.isCancel(err) || err.code === 'ERR_CANCELED') return false;
        // Only idempotent GETs are repeated here. A POST is sent once per call: a 5xx or a lost
        // reply can follow Adobe's acceptance, so its caller reconciles before sending another.
        if ((err.config?.method ?? 'get').toLowerCase() !== 'get') return false;
        return err.response ? err.response.status >= 500 : true;
      },
      // Exponential with "equal jitter": half fixed, half random, so a fleet does not retry in step.
      retryDelay: (retryCount) => {
        const ceiling = baseDelayMs * 2 ** (retryCount - 1);
        return ceiling / 2 + Math.random() * (ceiling / 2);
      },
    });
  }

  /**
   * Validates `body` against the operation's contract (refusing bad bodies before any request)
   * and POSTs it. Returns the status URL to poll.
   */
  async submit(
    operationId: string,
    body: unknown,
    opts: { signal?: AbortSignal } = {},
  ): Promise<SubmitResult> {
    const op = getOperation(operationId);
    const valid = assertRequestBody(op.id, body);
    const url = `${this.baseUrls[op.host]}${op.path}`;
    return withSpan(
      SPAN_NAMES.adobeSubmit,
      {
        [ATTR.operation]: op.id,
        [ATTR.apiGeneration]: op.generation,
        [ATTR.httpMethod]: 'POST',
        [ATTR.urlFull]: url,
      },
      () => this.post(op, valid, opts.signal),
      { kind: SpanKind.CLIENT },
    );
  }

  /** The submit POST of a validated body, and the reading of Adobe's reply. */
  private async post(
    op: OperationSpec,
    valid: unknown,
    signal: AbortSignal | undefined,
  ): Promise<SubmitResult> {
    const base = this.baseUrls[op.host];
    const url = `${base}${op.path}`;
    let data: unknown;
    try {
      data = await this.send('submit', { method: 'POST', url, data: valid }, signal);
    } catch (err) {
      if (err instanceof HttpError && err.status >= 500) {
        throw new SubmitOutcomeUnknownError(op.id, urlOriginAndPath(url), {
          cause: err,
          status: err.status,
        });
      }
      if (err instanceof TimeoutError || err instanceof NetworkError) {
        if (!(err instanceof NetworkError && err.code && NEVER_SENT.has(err.code))) {
          throw new SubmitOutcomeUnknownError(op.id, urlOriginAndPath(url), { cause: err });
        }
      }
      throw err;
    }
    // A 2xx that names no job: Adobe may have accepted it all the same.
    const unreadable = (what: string) =>
      new SubmitOutcomeUnknownError(op.id, urlOriginAndPath(url), {
        detail: `got a reply that ${what}`,
      });
    if (op.generation === 'v2') {
      const reply = v2SubmitReplySchema.safeParse(data);
      if (reply.success) {
        return this.accepted(new URL(reply.data.statusUrl, base), reply.data.jobId);
      }
      // guides__create-mask.md shows the masking reply as `{ jobId, _links.self.href }`, the
      // OpenAPI file as `{ jobId, statusUrl }`: either names the job.
      const linked = v1SubmitReplySchema.safeParse(data);
      if (op.statusFamily !== 'masking' || !linked.success) {
        throw unreadable('has no jobId/statusUrl');
      }
      const statusUrl = new URL(linked.data._links.self.href, base);
      return this.accepted(statusUrl, statusUrl.pathname.split('/').filter(Boolean).pop());
    }
    const reply = v1SubmitReplySchema.safeParse(data);
    if (!reply.success) throw unreadable('has no _links.self.href');
    const statusUrl = new URL(reply.data._links.self.href, base);
    return this.accepted(statusUrl, statusUrl.pathname.split('/').filter(Boolean).pop());
  }

  /**
   * GETs a status URL (only on an allowed origin; anything else throws `ForeignStatusUrlError`
   * before a request is made) and normalises the reply.
   */
  async getStatus(
    statusUrl: string,
    opts: { signal?: AbortSignal; operationId?: string } = {},
  ): Promise<NormalizedStatus> {
    const url = this.checkOrigin(statusUrl);
    const family = opts.operationId
      ? getOperation(opts.operationId).statusFamily
      : familyFromPath(url.pathname);
    if (!family) {
      throw new PhotoshopError(
        `cannot tell the status family of ${urlOriginAndPath(statusUrl)}; expected one of ${Object.values(statusPathTemplates).join(', ')}`,
      );
    }
    const attributes = {
      [ATTR.operation]: opts.operationId,
      [ATTR.httpMethod]: 'GET',
      [ATTR.urlFull]: urlOriginAndPath(url.toString()),
      [ATTR.adobeJobId]: url.pathname.split('/').filter(Boolean).pop(),
    };
    return withSpan(
      SPAN_NAMES.adobeStatus,
      attributes,
      async () => {
        const data = await this.send('status', { method: 'GET', url: url.toString() }, opts.signal);
        const status = normalizeStatus(family, data);
        annotateSpan({ [ATTR.adobeJobState]: status.state });
        return status;
      },
      { kind: SpanKind.CLIENT },
    );
  }

  /** GET /pie/psdService/hello: a cheap check that the key and token are accepted. */
  async hello(opts: { signal?: AbortSignal } = {}): Promise<string> {
    const url = `${this.baseUrls.v1}/pie/psdService/hello`;
    const data = await withSpan(
      SPAN_NAMES.adobeHello,
      { [ATTR.httpMethod]: 'GET', [ATTR.urlFull]: url },
      () => this.send('other', { method: 'GET', url, responseType: 'text' }, opts.signal),
      { kind: SpanKind.CLIENT },
    );
    return typeof data === 'string' ? data : JSON.stringify(data);
  }

  /**
   * The result of an accepted submit. A status link outside the allowed origins is refused here,
   * when the job was just accepted, rather than at its first poll: the error carries the job id
   * so the caller can report which Adobe job it cannot follow.
   */
  private accepted(statusUrl: URL, jobId: string | undefined): SubmitResult {
    annotateSpan({ [ATTR.adobeJobId]: jobId });
    if (!this.allowedOrigins.includes(statusUrl.origin)) {
      throw new ForeignStatusUrlError(statusUrl.origin, this.allowedOrigins, jobId);
    }
    return jobId ? { statusUrl: statusUrl.toString(), jobId } : { statusUrl: statusUrl.toString() };
  }

  private checkOrigin(statusUrl: string): URL {
    let url: URL;
    try {
      url = new URL(statusUrl);
    } catch {
      throw new ForeignStatusUrlError('(not an absolute URL)', this.allowedOrigins);
    }
    if (!this.allowedOrigins.includes(url.origin)) {
      throw new ForeignStatusUrlError(url.origin, this.allowedOrigins);
    }
    return url;
  }

  private headers(token: string): Record<string, string> {
    return {
      Authorization: `Bearer ${token}`,
      'x-api-key': this.options.apiKey,
      'Content-Type': 'application/json',
      ...(this.options.orgId ? { 'x-gw-ims-org-id': this.options.orgId } : {}),
    };
  }

  /**
   * One logical request: axios-retry handles a GET's 5xx; a 401 invalidates the token, and a GET
   * is repeated once with a fresh one. A POST is not: every POST its caller makes is one request,
   * so the caller's count of submits is what Adobe received.
   */
  private async send(
    endpointClass: EndpointClass,
    config: AxiosRequestConfig,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    let refreshed = false;
    for (;;) {
      const token = await this.token(signal);
      const request: AxiosRequestConfig & Tracked = {
        ...config,
        headers: this.headers(token),
        ...(signal ? { signal } : {}),
        darkroom: { endpointClass, attempt: 0, startedAt: 0 },
      };
      try {
        const res = await this.http.request<unknown>(request);
        annotateSpan({
          [ATTR.httpStatusCode]: res.status,
          [ATTR.httpResendCount]: ((res.config as Tracked).darkroom?.attempt ?? 1) - 1,
        });
        return res.data;
      } catch (err) {
        const mapped = this.mapError(err, config, signal);
        if (mapped instanceof HttpError) annotateSpan({ [ATTR.httpStatusCode]: mapped.status });
        if (mapped instanceof HttpError && mapped.status === 401 && !refreshed) {
          refreshed = true;
          this.options.auth.invalidate(token);
          if (config.method !== 'POST') continue;
        }
        throw mapped;
      }
    }
  }

  /**
   * A bearer token, or `TokenUnavailableError`: a failure to get one is never mistaken for a
   * failure of the API request that would have followed (no submit was sent).
   */
  private async token(signal: AbortSignal | undefined): Promise<string> {
    try {
      return await this.options.auth.getToken(signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      if (err instanceof RateLimitedError) {
        throw new TokenUnavailableError(true, {
          cause: err,
          retryAfterMs: err.retryAfterMs,
          detail: 'IMS answered 429',
        });
      }
      const transient =
        err instanceof TimeoutError ||
        err instanceof NetworkError ||
        (err instanceof HttpError && err.status >= 500);
      throw new TokenUnavailableError(transient, { cause: err, detail: coerceError(err).message });
    }
  }

  private mapError(err: unknown, config: AxiosRequestConfig, signal?: AbortSignal): unknown {
    const method = (config.method ?? 'GET').toUpperCase();
    const url = urlOriginAndPath(config.url ?? '');
    if (!axios.isAxiosError(err)) return err;
    // Never pass the axios error on as a cause: its config holds the Authorization header.
    if (axios.isCancel(err) || err.code === 'ERR_CANCELED') {
      // The caller's reason (a DOMException AbortError by default) may come from another realm, so
      // it is recognised by shape rather than with instanceof.
      const reason: unknown = signal?.reason;
      if (typeof reason === 'object' && reason !== null && 'name' in reason) return reason;
      const aborted = new PhotoshopError(`${method} ${url} aborted`);
      aborted.name = 'AbortError';
      return aborted;
    }
    if (err.response) {
      return httpErrorFromReply({
        status: err.response.status,
        method,
        url,
        data: err.response.data,
        retryAfter: err.response.headers['retry-after'] as string | undefined,
      });
    }
    if (isTimeout(err)) return new TimeoutError(method, url, this.timeoutMs);
    return new NetworkError(method, url, err.code);
  }

  private installMetrics(): void {
    const report = (
      config: (AxiosRequestConfig & Tracked) | undefined,
      status?: number,
      error?: string,
    ) => {
      const t = config?.darkroom;
      if (!t || !this.options.onRequest) return;
      this.options.onRequest({
        endpointClass: t.endpointClass,
        method: (config.method ?? 'GET').toUpperCase(),
        durationMs: Date.now() - t.startedAt,
        attempt: t.attempt,
        ...(status !== undefined ? { status } : {}),
        ...(error !== undefined ? { error } : {}),
      });
    };
    this.http.interceptors.request.use((config) => {
      const t = (config as Tracked).darkroom;
      if (t) {
        t.attempt += 1;
        t.startedAt = Date.now();
      }
      return config;
    });
    this.http.interceptors.response.use(
      (res) => {
        report(res.config, res.status);
        return res;
      },
      (err: unknown) => {
        if (axios.isAxiosError(err)) {
          const status = err.response?.status;
          report(
            err.config,
            status,
            status !== undefined ? `http_${status}` : (err.code ?? 'network'),
          );
        }
        return Promise.reject(coerceError(err));
      },
    );
  }
}
