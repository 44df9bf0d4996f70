import { PhotoshopError } from './photoshop-error';

/**
 * No bearer token could be had from IMS, so no request to the Photoshop API was sent. `transient`
 * tells a timeout, a reset, an IMS 5xx or an IMS 429 (worth another try later) from refused
 * credentials (not). IMS's limits are not Adobe's API limits: an IMS 429 must not slow the
 * API's rate budget.
 */
export class TokenUnavailableError extends PhotoshopError {
  readonly transient: boolean;
  /** IMS's Retry-After, when it sent one. */
  readonly retryAfterMs?: number;

  constructor(
    transient: boolean,
    options: { cause: unknown; retryAfterMs?: number; detail: string },
  ) {
    super(`no IMS token: ${options.detail}`, { cause: options.cause });
    this.transient = transient;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
