import type { JobIssue } from '@darkroom/jobs';

/** Bad arguments or configuration: exit code 2 with a message that says what to type instead. */
export class UsageError extends Error {
  readonly issues: JobIssue[] | undefined;
  constructor(message: string, issues?: JobIssue[]) {
    super(message);
    this.name = this.constructor.name;
    this.issues = issues;
  }
}

/** A job that does not exist: exit code 4. */
export class JobNotFoundError extends Error {
  readonly jobId: string;
  constructor(jobId: string, queueName: string) {
    super(
      `no edit job ${jobId} in queue ${queueName}: use the id enqueue printed, and check DARKROOM_QUEUE`,
    );
    this.name = this.constructor.name;
    this.jobId = jobId;
  }
}
