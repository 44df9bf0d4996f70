import { HttpError, type HttpErrorDetails } from './http-error';

/** HTTP 429: the caller should slow down for `retryAfterMs` without spending an attempt. */
export class RateLimitedError extends HttpError {
  readonly retryAfterMs: number;

  constructor(d: Omit<HttpErrorDetails, 'status'> & { retryAfterMs: number }) {
    super({ ...d, status: 429 });
    this.retryAfterMs = d.retryAfterMs;
    this.message = `${this.message}; retry after ${d.retryAfterMs} ms`;
  }
}
