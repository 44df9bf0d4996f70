import { JobsError } from './jobs-error';

/** No edit job has this id (or the id is not one `EditQueue` gives out); nothing was changed. */
export class EditJobNotFoundError extends JobsError {
  readonly jobId: string;
  constructor(jobId: string) {
    super(`no edit job ${JSON.stringify(jobId.slice(0, 100))}`);
    this.jobId = jobId;
  }
}
