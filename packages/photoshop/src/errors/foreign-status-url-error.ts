import { PhotoshopError } from './photoshop-error';

/** A status URL points outside the allowed API origins; it is never requested. */
export class ForeignStatusUrlError extends PhotoshopError {
  constructor(
    readonly origin: string,
    readonly allowedOrigins: readonly string[],
    /** Adobe's id of the job whose submit reply named this link, when the refusal came then. */
    readonly jobId?: string,
  ) {
    super(
      `refusing to follow a status URL on ${origin}${jobId ? ` (Adobe job ${jobId})` : ''}; allowed: ${allowedOrigins.join(', ')}`,
    );
  }
}
