import { JobsError } from './jobs-error';

/** One broken rule in an edit job: where (a dotted path such as `outputs.0.ref`) and which rule. */
export interface JobIssue {
  path: string;
  rule: string;
  message: string;
}

/** An edit job that failed validation; nothing was written to Redis. */
export class EditJobValidationError extends JobsError {
  readonly issues: JobIssue[];
  constructor(issues: JobIssue[], prefix = '') {
    const list = issues.map((i) => `${prefix}${i.path || '(job)'}: ${i.message}`).join('; ');
    super(`invalid edit job: ${list}`);
    this.issues = issues.map((i) => ({ ...i, path: `${prefix}${i.path}` }));
  }
}
