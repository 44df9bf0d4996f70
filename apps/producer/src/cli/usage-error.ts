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

/**
 * A job that does not exist: exit code 4. `where` says where it was looked for (`in queue
 * edits`, `at https://darkroom.internal`) and `variable` which setting chooses that place.
 */
export class JobNotFoundError extends Error {
  readonly jobId: string;
  constructor(jobId: string, where: string, variable: string) {
    super(`no edit job ${jobId} ${where}: use the id enqueue printed, and check ${variable}`);
    this.name = this.constructor.name;
    this.jobId = jobId;
  }
}
