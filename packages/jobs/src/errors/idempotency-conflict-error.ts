import { JobsError } from './jobs-error';

/** The idempotency key was already used for a job with a different body. */
export class IdempotencyConflictError extends JobsError {
  readonly jobId: string;
  constructor(jobId: string) {
    super(`idempotency key already used by job ${jobId} with a different body`);
    this.jobId = jobId;
  }
}
