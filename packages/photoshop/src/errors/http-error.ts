import { PhotoshopError } from './photoshop-error';

export interface HttpErrorDetails {
  status: number;
  method: string;
  /** Request URL with its query string removed. */
  url: string;
  /** Adobe's machine-readable error type (v1 `type`, gateway/v2 `error_code`). */
  type?: string;
  code?: string | number;
  title?: string;
  details?: unknown;
}

/** Adobe (or the gateway) answered with a non-2xx status. */
export class HttpError extends PhotoshopError {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly type?: string;
  readonly code?: string | number;
  readonly title?: string;
  readonly details?: unknown;

  constructor(d: HttpErrorDetails, options?: { cause?: unknown }) {
    const what = [d.type, d.title].filter(Boolean).join(': ');
    super(`${d.method} ${d.url} failed with HTTP ${d.status}${what ? ` (${what})` : ''}`, options);
    this.status = d.status;
    this.method = d.method;
    this.url = d.url;
    if (d.type !== undefined) this.type = d.type;
    if (d.code !== undefined) this.code = d.code;
    if (d.title !== undefined) this.title = d.title;
    if (d.details !== undefined) this.details = d.details;
  }
}
