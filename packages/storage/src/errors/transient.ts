/**
 * Which failures are worth another try. A service that is rate limiting (429) or failing (5xx),
 * a connection that was refused, reset or timed out: the same call may well succeed later. Any
 * other 4xx, a bad reference or missing config fails the same way every time.
 */

/** 429 and every 5xx: the service is busy or failing, not refusing this request for good. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * System and HTTP-client codes of a connection that failed on the way: Node's socket errors,
 * undici's (what `fetch` throws, under `cause`) and the Azure SDK's failed send.
 */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'REQUEST_SEND_ERROR',
]);

/** How deep to follow `cause` and `errors`: SDKs wrap a socket error two or three times. */
const MAX_DEPTH = 5;

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  statusCode?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
  errors?: unknown;
}

/**
 * True when `err` (or what it wraps) is a timeout, a network failure, or a transient HTTP status
 * as the AWS SDK reports them. Used for failures that carry no HTTP status of their own: a
 * credential provider that timed out, a `fetch` that could not connect.
 */
export function isTransientFailure(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > MAX_DEPTH) return false;
  const e = err as ErrorFields;
  // `AbortSignal.timeout` and the AWS SDK's HTTP handler both name their timeouts so; the SDK's
  // instance-metadata provider only says it in the message.
  if (e.name === 'TimeoutError') return true;
  if (typeof e.message === 'string' && e.message.startsWith('TimeoutError')) return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (e.$retryable !== undefined && e.$retryable !== null && e.$retryable !== false) return true;
  const status = e.$metadata?.httpStatusCode ?? e.statusCode;
  if (typeof status === 'number' && isTransientStatus(status)) return true;
  if (isTransientFailure(e.cause, depth + 1)) return true;
  return Array.isArray(e.errors) && e.errors.some((inner) => isTransientFailure(inner, depth + 1));
}
