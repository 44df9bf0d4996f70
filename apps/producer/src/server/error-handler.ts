import type { ErrorRequestHandler, Request, Response } from 'express';
import {
  EditJobNotFoundError,
  EditJobStateError,
  EditJobValidationError,
  IdempotencyConflictError,
  QuotaExceededError,
  RedisUnavailableError,
  isConnectionError,
} from '@darkroom/jobs';
import { coerceError } from '@darkroom/core';
import { ApiError, PROBLEM_MEDIA_TYPE } from './api-error';
import { locals } from './request-context';

/** The shape body-parser gives its errors (`type` names what went wrong). */
interface BodyParserError {
  type?: unknown;
  status?: unknown;
}

/** 429 with `Retry-After` until the quota resets, and the quota's fields in the body. */
export function quotaError(err: QuotaExceededError, now = Date.now()): ApiError {
  return new ApiError(429, 'quota_exceeded', `${err.message}; nothing was enqueued`, undefined, {
    details: {
      quota: err.quota,
      tenant: err.tenant,
      limit: err.limit,
      resetAt: err.resetAt.toISOString(),
    },
    headers: { 'Retry-After': String(err.retryAfterSeconds(now)) },
  });
}

/** Turns anything a route threw into an {@link ApiError}; unknown errors become a 500. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof EditJobValidationError) {
    return new ApiError(400, 'invalid_request', 'the edit job is invalid', err.issues);
  }
  if (err instanceof IdempotencyConflictError && err.inFlight) {
    return new ApiError(
      409,
      'idempotency_conflict',
      'another request is enqueueing a job with this idempotency key right now; nothing was enqueued, retry shortly',
    );
  }
  if (err instanceof IdempotencyConflictError) {
    return new ApiError(
      409,
      'idempotency_conflict',
      `the idempotency key was already used for job ${err.jobId} with a different body; use a new key or resend the original body`,
    );
  }
  if (err instanceof QuotaExceededError) return quotaError(err);
  if (err instanceof EditJobNotFoundError) {
    return new ApiError(404, 'not_found', `no edit job ${err.jobId}`);
  }
  if (err instanceof EditJobStateError) {
    return new ApiError(409, 'not_failed', err.message);
  }
  if (err instanceof RedisUnavailableError || isConnectionError(err)) {
    return new ApiError(503, 'redis_unavailable', 'the job store is unreachable; retry later');
  }
  const parser = (err ?? {}) as BodyParserError;
  switch (parser.type) {
    case 'entity.parse.failed':
      // The parser's own message quotes the body, which may hold anything: never echo it.
      return new ApiError(400, 'invalid_json', 'the request body is not valid JSON', [
        { path: '', rule: 'invalid_json', message: 'the request body must be one JSON object' },
      ]);
    case 'entity.too.large':
      return new ApiError(413, 'payload_too_large', 'the request body is larger than allowed');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_media_type', 'send the body as UTF-8 JSON');
  }
  if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return new ApiError(400, 'invalid_request', 'the request could not be read');
  }
  return new ApiError(500, 'internal', 'internal error; the request id identifies it in the logs');
}

/**
 * The request path an error is about: RFC 9457's `instance`. The query string is left out, as
 * in the logs, since it may carry anything.
 */
export function instanceOf(req: Request): string {
  return req.originalUrl.split('?', 1)[0] ?? req.path;
}

/** Sends `apiError` as `application/problem+json` with its status and headers. */
export function sendProblem(req: Request, res: Response, apiError: ApiError): void {
  locals(res).errorCode = apiError.code;
  res
    .status(apiError.status)
    .set(apiError.headers)
    .type(PROBLEM_MEDIA_TYPE)
    .send(JSON.stringify(apiError.toProblem(instanceOf(req))));
}

/**
 * Answers every error as RFC 9457 problem details (`type`, `title`, `status`, `detail`,
 * `instance`, and Darkroom's `code` and `issues`).
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const apiError = toApiError(err);
  if (apiError.status >= 500 && apiError.code === 'internal') {
    locals(res).log.error({ err: coerceError(err).message }, 'request failed');
  }
  sendProblem(req, res, apiError);
};
