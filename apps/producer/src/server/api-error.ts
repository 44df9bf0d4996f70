import type { JobIssue } from '@darkroom/jobs';

/**
 * Stable error codes of the HTTP API, each with the `title` its problem details carry (RFC 9457:
 * the same for every occurrence of the code). Clients branch on `code` (or `type`), never on
 * `title` or `detail`.
 */
export const PROBLEM_TITLES = {
  unauthorized: 'Missing or unknown bearer token',
  invalid_json: 'The body is not JSON',
  invalid_request: 'The request breaks a rule',
  unsupported_media_type: 'The body is not application/json',
  payload_too_large: 'The body is too large',
  idempotency_conflict: 'The idempotency key was used with a different body',
  not_found: 'Not found',
  already_finished: 'The edit has already finished',
  not_failed: 'Only a failed edit or run can be retried',
  callback_not_dead: 'The callback is not dead',
  quota_exceeded: "The tenant's daily quota is spent",
  redis_unavailable: 'The job store is unreachable',
  internal: 'Internal error',
} as const;

export type ApiErrorCode = keyof typeof PROBLEM_TITLES;

/** Every code, in the order of {@link PROBLEM_TITLES}. */
export const API_ERROR_CODES = Object.keys(PROBLEM_TITLES) as ApiErrorCode[];

/**
 * Where problem types live: `type` is this plus the code. An absolute URI, so it means the same
 * whichever host or proxy answered (a relative one would resolve against each producer's URL);
 * it identifies the problem and is not fetched (RFC 9457 §3.1.1): the producer README lists
 * every code.
 */
export const PROBLEM_TYPE_BASE = 'https://darkroom.dev/problems/';

/** The media type of every error answer (RFC 9457 §3). */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The `type` URI of a code. */
export const problemType = (code: ApiErrorCode): string => `${PROBLEM_TYPE_BASE}${code}`;

/** Fields some errors add beside `code` (a quota's `tenant`, `limit`…). */
export type ApiErrorDetails = Record<string, string | number>;

/** An error answer: RFC 9457 problem details plus Darkroom's `code` and `issues`. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request path (no query string: it may carry anything). */
  instance: string;
  code: ApiErrorCode;
  /** Every field that broke a rule, with its path (`jobs[1].outputs`) and the rule. */
  issues?: JobIssue[];
  [extension: string]: unknown;
}

/**
 * An error the API answers as problem details (`toProblem`), with `status` and `headers`
 * (`Retry-After`).
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

  /** The problem details of this error for a request to `instance`. */
  toProblem(instance: string): ProblemDetails {
    return {
      ...this.details,
      type: problemType(this.code),
      title: PROBLEM_TITLES[this.code],
      status: this.status,
      detail: this.message,
      instance,
      code: this.code,
      ...(this.issues ? { issues: this.issues } : {}),
    };
  }
}
