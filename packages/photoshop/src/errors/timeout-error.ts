import { PhotoshopError } from './photoshop-error';

/** A request got no reply within the per-request timeout. */
export class TimeoutError extends PhotoshopError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`${method} ${url} got no reply within ${timeoutMs} ms`, options);
  }
}
