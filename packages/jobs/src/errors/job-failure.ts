import { JobsError } from './jobs-error';

/**
 * Machine-readable reasons a job can end `failed` with. The reason is the first token of
 * BullMQ's `failedReason` (`"<reason>: <human message>"`), so it survives in Redis, the events
 * stream and the dashboard without extra fields.
 */
export const FAILURE_REASONS = [
  'client_error',
  'remote_failed',
  'retries_exhausted',
  'deadline_exceeded',
  'cancelled',
  'output_missing',
  'rate_limited_too_long',
  'invalid_job',
  'auth_failed',
  'stalled',
] as const;

export type FailureReason = (typeof FAILURE_REASONS)[number];

/** A terminal failure with a reason; the step machine throws it as BullMQ's UnrecoverableError. */
export class JobFailure extends JobsError {
  readonly reason: FailureReason;
  constructor(reason: FailureReason, message: string, options?: { cause?: unknown }) {
    super(`${reason}: ${message}`, options);
    this.reason = reason;
  }
}

/** Splits a stored `failedReason` back into its reason code and message. */
export function parseFailedReason(failedReason: string | undefined): {
  reason: FailureReason | 'unknown';
  message: string;
} {
  if (!failedReason) return { reason: 'unknown', message: '' };
  const match = /^([a-z_]+): ([\s\S]*)$/.exec(failedReason);
  const code = match?.[1];
  if (code && (FAILURE_REASONS as readonly string[]).includes(code)) {
    return { reason: code as FailureReason, message: match?.[2] ?? '' };
  }
  // BullMQ's own failures (stalled more than allowable limit, lock lost) carry no code.
  if (/stalled/i.test(failedReason)) return { reason: 'stalled', message: failedReason };
  return { reason: 'retries_exhausted', message: failedReason };
}
