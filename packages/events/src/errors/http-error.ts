import { EventsError } from './events-error';

/**
 * An HTTP call failed: no answer, a timeout, a body over its limit, or an unexpected status.
 * `url` has no query string (a journal's `since` is not secret, but presigned-style URLs must
 * never reach a log through this error); request headers are never part of it.
 */
export class HttpError extends EventsError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number | undefined,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`${method} ${url} failed: ${reason}`, options);
  }
}
