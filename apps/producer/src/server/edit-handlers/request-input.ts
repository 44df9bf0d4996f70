import type { Request, Response } from 'express';
import { ApiError } from '../api-error';

/** The body, or a 415/400 naming why there is none. */
export function jsonBody(req: Request): unknown {
  if (req.body !== undefined) return req.body;
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 ||
    req.headers['transfer-encoding'] !== undefined;
  if (hasBody) {
    throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json', [
      { path: '', rule: 'content_type', message: 'Content-Type must be application/json' },
    ]);
  }
  throw new ApiError(400, 'invalid_request', 'the request needs a JSON body', [
    { path: '', rule: 'required', message: 'send the edit job as a JSON body' },
  ]);
}

/** The 404 of every route that names a job by id. */
export function notFound(id: string): ApiError {
  return new ApiError(404, 'not_found', `no edit job ${id}`);
}

/** An AbortSignal that fires when the client goes away before the response is sent. */
export function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}

/** `?wait=` in seconds: absent is 0; anything but a number from 0 to `max` is a 400. */
export function parseWait(raw: unknown, max: number): number {
  if (raw === undefined) return 0;
  const seconds = typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(seconds) || seconds > max) {
    throw new ApiError(
      400,
      'invalid_request',
      `wait must be a number of seconds from 0 to ${max}`,
      [{ path: 'wait', rule: 'range', message: `wait must be between 0 and ${max} seconds` }],
    );
  }
  return seconds;
}
