import { urlOriginAndPath, withoutUrlQueries } from '@darkroom/core';
import { HttpError } from './errors/http-error';
import { RateLimitedError } from './errors/rate-limited-error';
import { parseRetryAfter } from './retry-after';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Builds the error for a non-2xx reply. Reads all three documented bodies: v1
 * `{type, code, title, details}`, gateway `{error_code, message}`, v2 `{error_code, message, errors}`.
 */
export function httpErrorFromReply(reply: {
  status: number;
  method: string;
  url: string;
  data: unknown;
  retryAfter?: string | string[] | number | null;
}): HttpError {
  let data = reply.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data) as unknown;
    } catch {
      data = undefined;
    }
  }
  const body = isObj(data) ? withoutUrlQueries(data) : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const type = str(body.type) ?? str(body.error_code);
  const code =
    typeof body.code === 'number' || typeof body.code === 'string'
      ? body.code
      : str(body.error_code);
  const title = str(body.title) ?? str(body.message);
  const details = body.details ?? body.errors;
  const d = {
    status: reply.status,
    method: reply.method.toUpperCase(),
    url: urlOriginAndPath(reply.url),
    ...(type !== undefined ? { type } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(details !== undefined ? { details } : {}),
  };
  if (reply.status === 429) {
    return new RateLimitedError({ ...d, retryAfterMs: parseRetryAfter(reply.retryAfter) });
  }
  return new HttpError(d);
}
