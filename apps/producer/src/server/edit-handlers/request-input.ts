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
