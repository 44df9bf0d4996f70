import { PhotoshopError } from './photoshop-error';

export interface RemoteJobError {
  type?: string;
  code?: string | number;
  title?: string;
  details?: unknown;
}

/** Adobe accepted the job and later reported it failed. */
export class RemoteJobFailedError extends PhotoshopError {
  constructor(
    readonly error: RemoteJobError,
    readonly jobId?: string,
  ) {
    const what = [error.type, error.code, error.title].filter((x) => x !== undefined).join(' ');
    super(`Photoshop job ${jobId ?? '(unknown id)'} failed${what ? `: ${what}` : ''}`);
  }
}
