/** What a storage error says about trying again, beside its message and `cause`. */
export interface StorageErrorOptions {
  cause?: unknown;
  /** @defaultValue false */
  transient?: boolean;
  /** How long the service asked callers to wait before the next try, in milliseconds. */
  retryAfterMs?: number;
}

/**
 * The base of every error @darkroom/storage throws; `cause` is passed through untouched.
 *
 * `transient` tells a failure worth another try (a service that was busy, down or out of reach
 * for a moment) from one that will fail the same way again (a bad reference, missing config, a
 * refusal): callers retry transient ones with backoff and fail the work for the others.
 */
export class StorageError extends Error {
  /** True when the same call may succeed later: rate limits, 5xx, network errors, timeouts. */
  readonly transient: boolean;
  /** The service's `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = this.constructor.name;
    this.transient = options.transient ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True for a storage error worth another try later (see {@link StorageError.transient}). */
export function isTransientStorageError(err: unknown): err is StorageError {
  return err instanceof StorageError && err.transient;
}
