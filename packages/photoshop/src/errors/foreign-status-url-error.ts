import { PhotoshopError } from './photoshop-error';

/** A status URL points outside the allowed API origins; it is never requested. */
export class ForeignStatusUrlError extends PhotoshopError {
  constructor(
    readonly origin: string,
    readonly allowedOrigins: readonly string[],
  ) {
    super(`refusing to follow a status URL on ${origin}; allowed: ${allowedOrigins.join(', ')}`);
  }
}
