import { JobsError } from './jobs-error';

/** One job of a list whose idempotency key could not be used: its index and the job id it names. */
export interface IdempotencyConflict {
  index: number;
  jobId: string;
}

/**
 * The idempotency key was already used for a job with a different body, or (`inFlight`) another
 * enqueue of the same key was still being stored and did not finish in time. Nothing of the job,
 * or of its batch, was enqueued.
 */
export class IdempotencyConflictError extends JobsError {
  readonly jobId: string;
  /** Every job of the list that could not be used, in input order (one for a single enqueue). */
  readonly conflicts: readonly IdempotencyConflict[];
  /** True when the key was held by an enqueue still in progress rather than a stored job. */
  readonly inFlight: boolean;
  constructor(
    jobId: string,
    options: { conflicts?: readonly IdempotencyConflict[]; inFlight?: boolean } = {},
  ) {
    super(
      options.inFlight
        ? `idempotency key of job ${jobId} is being enqueued by another request; retry shortly`
        : `idempotency key already used by job ${jobId} with a different body`,
    );
    this.jobId = jobId;
    this.conflicts = options.conflicts ?? [{ index: 0, jobId }];
    this.inFlight = options.inFlight ?? false;
  }
}
