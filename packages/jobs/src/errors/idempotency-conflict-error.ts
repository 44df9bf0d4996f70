/** The idempotency key was already used for a job with a different body. */
export class IdempotencyConflictError extends Error {
  readonly jobId: string;
  constructor(jobId: string) {
    super(`idempotency key already used by job ${jobId} with a different body`);
    this.name = this.constructor.name;
    this.jobId = jobId;
  }
}
