import type { StorageScheme } from '@darkroom/photoshop';
import { StorageError } from './storage-error';
import { isTransientFailure, isTransientStatus } from './transient';

/** What a storage service answered, as far as it is safe to report. */
export interface StorageBackendDetail {
  status?: number;
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
  /**
   * Whether another try may succeed.
   * @defaultValue from `status` (429 and 5xx are transient) or, without one, from the cause (a
   *   timeout or network failure is transient); false otherwise
   */
  transient?: boolean;
}

/**
 * A storage service answered with an error (or could not be reached). The message carries the
 * provider, the operation, the HTTP status and the service's own error code; never a URL query
 * string, a token or a key.
 */
export class StorageBackendError extends StorageError {
  /** The provider, named as its reference scheme is. */
  readonly provider: StorageScheme;
  readonly operation: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  /** From a 429 or 503 reply's `Retry-After`, when the service sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    provider: StorageScheme,
    operation: string,
    detail: StorageBackendDetail,
    options?: { cause?: unknown },
  ) {
    const parts = [
      detail.status === undefined ? undefined : `status ${detail.status}`,
      detail.code,
      detail.message,
    ].filter((p): p is string => p !== undefined && p !== '');
    const transient =
      detail.transient ??
      (detail.status === undefined
        ? isTransientFailure(options?.cause)
        : isTransientStatus(detail.status));
    super(`${provider} ${operation} failed${parts.length ? `: ${parts.join(', ')}` : ''}`, {
      ...options,
      transient,
      ...(detail.retryAfterSeconds === undefined
        ? {}
        : { retryAfterMs: detail.retryAfterSeconds * 1000 }),
    });
    this.provider = provider;
    this.operation = operation;
    this.status = detail.status;
    this.code = detail.code;
    this.retryAfterSeconds = detail.retryAfterSeconds;
  }
}
