import { type Logger } from 'pino';

/** Who a log line is about: one attempt of one job. */
export interface JobScope {
  jobId: string;
  operation: string;
  account?: string;
  /** 1-based number of this attempt. */
  attempt?: number;
  /** Attempts the job is allowed. */
  maxAttempts?: number;
  /** Where the job is in its step machine (`submit`, `poll`). */
  step?: string;
}

/**
 * A child logger for one job attempt: every line carries the job's fields and, when the
 * attempt is known, starts with "attempt n of m" so a failure reads as final or not at a glance.
 */
export function scopeJobLogger(logger: Logger, scope: JobScope): Logger {
  const { attempt, maxAttempts } = scope;
  const bindings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(scope)) if (value !== undefined) bindings[key] = value;
  if (attempt === undefined) return logger.child(bindings);
  const of = `attempt ${attempt} of ${maxAttempts ?? '?'}`;
  bindings.attemptOf = of;
  return logger.child(bindings, { msgPrefix: `${of}: ` });
}
