import { JobsError } from './jobs-error';

/** The job is not in a state the action applies to (a retry of a job that has not failed). */
export class EditJobStateError extends JobsError {
  readonly jobId: string;
  readonly state: string;
  constructor(jobId: string, state: string, rule: string) {
    super(`edit job ${jobId} is ${state}: ${rule}; nothing was changed`);
    this.jobId = jobId;
    this.state = state;
  }
}
