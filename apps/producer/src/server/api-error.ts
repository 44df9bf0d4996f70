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
  | 'redis_unavailable'
  | 'internal';

/** An error the API answers with `{ error: { code, message, issues? } }` and `status`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly issues: JobIssue[] | undefined;
  constructor(status: number, code: ApiErrorCode, message: string, issues?: JobIssue[]) {
    super(message);
    this.name = this.constructor.name;
    this.status = status;
    this.code = code;
    this.issues = issues;
  }

  toJSON(): { error: { code: ApiErrorCode; message: string; issues?: JobIssue[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.issues ? { issues: this.issues } : {}),
      },
    };
  }
}
