import type { Problem } from './api-types';

/**
 * An error answer of the producer, with its RFC 9457 problem details: `code` to branch on
 * (`invalid_request`, `quota_exceeded`, …), `issues` naming every field that broke a rule, and
 * the whole `problem` (its extensions too: a quota's `tenant`, `limit`, `resetAt`).
 */
export class DarkroomApiError extends Error {
  readonly status: number;
  readonly code: Problem['code'];
  readonly issues: NonNullable<Problem['issues']>;
  readonly problem: Problem;
  /** `Retry-After` in seconds, when the producer sent one (a spent quota). */
  readonly retryAfterSeconds: number | undefined;

  constructor(method: string, path: string, problem: Problem, retryAfter?: string | null) {
    super(`${method} ${path}: ${problem.status} ${problem.code}: ${problem.detail}`);
    this.name = this.constructor.name;
    this.status = problem.status;
    this.code = problem.code;
    this.issues = problem.issues ?? [];
    this.problem = problem;
    const seconds = retryAfter ? Number(retryAfter) : NaN;
    this.retryAfterSeconds = Number.isFinite(seconds) ? seconds : undefined;
  }
}

/** True for a value shaped as the producer's problem details. */
export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).code === 'string' &&
    typeof (value as Problem).status === 'number'
  );
}
