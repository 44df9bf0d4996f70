import type { JobIssue } from '@darkroom/jobs';

/** Stable error codes of the HTTP API; clients branch on these, never on messages. */
export type ApiErrorCode =
  | 'unauthorized'
  | 'invalid_json'
  | 'invalid_request'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'idempotency_conflict'
  | 'not_found'
  | 'already_finished'
  | 'callback_not_dead'
  | 'quota_exceeded'
  | 'redis_unavailable'
  | 'internal';

/** Fields some errors add beside `code` and `message` (a quota's `tenant`, `limit`…). */
export type ApiErrorDetails = Record<string, string | number>;

/**
 * An error the API answers with `{ error: { code, message, issues?, ...details } }`, `status`
 * and `headers` (`Retry-After`).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly issues: JobIssue[] | undefined;
  readonly details: ApiErrorDetails | undefined;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    issues?: JobIssue[],
    extra: { details?: ApiErrorDetails; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = this.constructor.name;
    this.status = status;
    this.code = code;
    this.issues = issues;
    this.details = extra.details;
    this.headers = extra.headers ?? {};
  }

  toJSON(): { error: { code: ApiErrorCode; message: string; issues?: JobIssue[] } } {
    return {
      error: {
        ...this.details,
        code: this.code,
        message: this.message,
        ...(this.issues ? { issues: this.issues } : {}),
      },
    };
  }
}
