import { type ValidationIssue } from '@darkroom/photoshop';

export type ApiGeneration = 'v1' | 'v2';

export interface ErrorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const SERVER_ERROR_TITLES: Record<number, string> = {
  500: 'Internal Service Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Adobe I/O gateway replies: the same for both generations, sent before the service runs. */
export const gatewayErrors = {
  invalidToken: (): ErrorReply => ({
    status: 401,
    body: { error_code: '401013', message: 'Oauth token is not valid' },
  }),
  invalidApiKey: (): ErrorReply => ({
    status: 403,
    body: { error_code: '403003', message: 'Api Key is invalid' },
  }),
  /**
   * Adobe documents no body for an org header that does not match the credential; this one is
   * in the gateway's shape with a code of the emulator's own. Org ids are not echoed: Darkroom
   * keeps them out of its logs.
   */
  orgMismatch: (): ErrorReply => ({
    status: 403,
    body: {
      error_code: 'ims_org_mismatch',
      message: 'x-gw-ims-org-id must name the IMS organization of the client id in x-api-key',
    },
  }),
  /**
   * A 5xx from the gateway itself (it gave up on the service, which may have gone on). Adobe
   * documents no body for 502/503/504; this one is in the gateway's `{error_code, message}`
   * shape, the same for both generations.
   */
  upstreamFailure: (status: 500 | 502 | 503 | 504): ErrorReply => ({
    status,
    body: { error_code: String(status), message: SERVER_ERROR_TITLES[status] ?? 'Gateway Error' },
  }),
};

export function validationError(
  generation: ApiGeneration,
  issues: readonly ValidationIssue[],
): ErrorReply {
  if (generation === 'v1') {
    return {
      status: 400,
      body: {
        type: 'InputValidationError',
        code: 400,
        title: "request parameters didn't validate",
        details: issues.map((i) => ({
          name: i.path || '(body)',
          reason: `${i.message} [${i.rule}]`,
        })),
      },
    };
  }
  return {
    status: 400,
    body: {
      error_code: 'validation_error',
      message: `Validation failed: ${issues
        .slice(0, 3)
        .map((i) => `${i.path || '(body)'}: ${i.message}`)
        .join('; ')}`,
      errors: issues.map((i) => ({
        error_code: 'validation_error',
        message: `${i.path || '(body)'}: ${i.message} [${i.rule}]`,
      })),
    },
  };
}

export function invalidJson(generation: ApiGeneration, reason: string): ErrorReply {
  return generation === 'v1'
    ? {
        status: 400,
        body: {
          type: 'RequestBodyError',
          code: 400,
          title: 'Request body is not valid JSON',
          details: [{ name: '(body)', reason }],
        },
      }
    : { status: 400, body: { error_code: 'invalid_json', message: `Invalid JSON: ${reason}` } };
}

export function invalidContentType(generation: ApiGeneration, got: string): ErrorReply {
  return generation === 'v1'
    ? {
        status: 415,
        body: {
          type: 'InvalidContentTypeError',
          code: 415,
          title: 'Unsupported Media Type',
          details: [{ name: 'Content-Type', reason: `expected application/json, got ${got}` }],
        },
      }
    : {
        status: 415,
        body: { error_code: 'invalid_content_type', message: `Unsupported media type ${got}` },
      };
}

/** Adobe caps v2 payloads below 1 MB; the emulator refuses bodies above that for both generations. */
export function payloadTooLarge(generation: ApiGeneration, limit: number): ErrorReply {
  const reason = `request body is larger than ${limit} bytes`;
  return generation === 'v1'
    ? {
        status: 413,
        body: {
          type: 'PayloadTooLarge',
          code: 413,
          title: 'Payload Too Large',
          details: [{ name: '(body)', reason }],
        },
      }
    : { status: 413, body: { error_code: 'payload_too_large', message: reason } };
}

export function notFound(generation: ApiGeneration): ErrorReply {
  return generation === 'v1'
    ? {
        status: 404,
        body: { type: 'ResourceNotFound', title: 'Requested resource was not found', code: 404 },
      }
    : { status: 404, body: { error_code: 'unknown_job_id', message: 'Job not found' } };
}

/**
 * `Retry-After` is whole seconds per HTTP. When rate windows are scaled down by a fractional
 * `timeFactor`, whole seconds would be far longer than the real window, so the header then
 * carries decimal seconds; `retry-after-ms` always carries the exact wait.
 */
export function retryAfterHeaders(
  retryAfterMs: number,
  fractional: boolean,
): Record<string, string> {
  const seconds = fractional
    ? String(Math.max(0.001, Math.round(retryAfterMs) / 1000))
    : String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  return { 'retry-after': seconds, 'retry-after-ms': String(Math.max(1, Math.ceil(retryAfterMs))) };
}

export function tooManyRequests(
  generation: ApiGeneration,
  retryAfterMs: number,
  fractional: boolean,
): ErrorReply {
  const headers = retryAfterHeaders(retryAfterMs, fractional);
  return generation === 'v1'
    ? {
        status: 429,
        headers,
        body: {
          type: 'TooManyRequests',
          code: 429,
          title: 'Too many requests',
          details: [{ name: 'rate limit', reason: `retry after ${headers['retry-after']} s` }],
        },
      }
    : {
        status: 429,
        headers,
        body: {
          error_code: 'unauthorized_rate_limited',
          message: 'Too many requests, please retry after a brief wait',
        },
      };
}

export function serverError(generation: ApiGeneration, status: number): ErrorReply {
  const title = SERVER_ERROR_TITLES[status] ?? 'Internal Service Error';
  return generation === 'v1'
    ? {
        status,
        body: {
          type: status === 500 ? 'InternalServiceError' : 'ServiceUnavailableError',
          code: status,
          title,
        },
      }
    : { status, body: { error_code: 'runtime_error', message: title } };
}
