import { PhotoshopError } from './photoshop-error';

/**
 * A submit POST got no reply (timeout or reset): Adobe may or may not have created the job, so
 * the client does not resend it; the caller decides (resubmitting can run the edit twice).
 */
export class SubmitOutcomeUnknownError extends PhotoshopError {
  constructor(
    readonly operationId: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(
      `submit of ${operationId} to ${url} got no reply; the job may or may not exist on Adobe's side`,
      options,
    );
  }
}
