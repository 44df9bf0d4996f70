import { PhotoshopError } from './photoshop-error';

/** The connection failed before a reply arrived (reset, refused, DNS). */
export class NetworkError extends PhotoshopError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${method} ${url} failed without a reply${code ? ` (${code})` : ''}`, options);
  }
}
