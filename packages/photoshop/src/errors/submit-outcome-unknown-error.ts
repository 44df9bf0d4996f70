import { PhotoshopError } from './photoshop-error';

/**
 * A submit POST may have created a job although its reply says nothing useful: no reply came
 * (timeout, reset), a 5xx came, which on Adobe's gateway (502, 504) can follow the job's
 * acceptance, or a 2xx came whose body names no job. The client never resends it; the caller reconciles before it submits again.
 */
export class SubmitOutcomeUnknownError extends PhotoshopError {
  /** The 5xx status of the reply, when one came. */
  readonly status?: number;

  constructor(
    readonly operationId: string,
    readonly url: string,
    options?: { cause?: unknown; status?: number; detail?: string },
  ) {
    const what =
      options?.detail ??
      (options?.status === undefined ? 'got no reply' : `was answered ${options.status}`);
    super(
      `submit of ${operationId} to ${url} ${what}; the job may or may not exist on Adobe's side`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    if (options?.status !== undefined) this.status = options.status;
  }
}
