import { UnknownOperationError } from './catalog';
import { ForeignStatusUrlError } from './errors/foreign-status-url-error';
import { HttpError } from './errors/http-error';
import { NetworkError } from './errors/network-error';
import { RateLimitedError } from './errors/rate-limited-error';
import { RemoteJobFailedError } from './errors/remote-job-failed-error';
import { RequestValidationError } from './errors/request-validation-error';
import { SubmitOutcomeUnknownError } from './errors/submit-outcome-unknown-error';
import { TimeoutError } from './errors/timeout-error';
import { TokenUnavailableError } from './errors/token-unavailable-error';

export type ErrorAction = 'retry' | 'slow_down' | 'refresh_auth' | 'fail';

export interface ErrorClassification {
  action: ErrorAction;
  /** Short, bounded, machine-readable (safe as a metric label or a failure reason). */
  reason: string;
}

// Remote failures Adobe attributes to itself; everything else a job reports (bad input, missing
// file, unreadable PSD) fails the same way on a second try.
const REMOTE_INTERNAL_TYPES = new Set([
  'InternalServiceError',
  'UndefinedError',
  'InternalError',
  'runtime_error',
  'ServiceUnavailable',
]);

const NO_REPLY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);

function remoteIsInternal(err: RemoteJobFailedError): boolean {
  const { type, code } = err.error;
  if (type !== undefined && REMOTE_INTERNAL_TYPES.has(type)) return true;
  const n = typeof code === 'string' ? Number(code) : code;
  return typeof n === 'number' && n >= 500 && n <= 599;
}

/**
 * What to do about any error thrown while talking to Adobe, following general-workflow.md:
 * retry only 5xx (and failures with no reply on idempotent calls), never another 4xx; 429 slows
 * down; 401 refreshes the token. The table is in the package README.
 */
export function classifyError(err: unknown): ErrorClassification {
  if (err instanceof RateLimitedError) return { action: 'slow_down', reason: 'rate_limited' };
  if (err instanceof HttpError) {
    const s = err.status;
    if (s >= 500) return { action: 'retry', reason: 'http_5xx' };
    if (s === 401) return { action: 'refresh_auth', reason: 'unauthorized' };
    if (s === 402) return { action: 'fail', reason: 'trial_limit_exceeded' };
    if (s === 429) return { action: 'slow_down', reason: 'rate_limited' };
    return { action: 'fail', reason: `http_${s}` };
  }
  if (err instanceof TokenUnavailableError) {
    // Checked before the HTTP cases: IMS's own 429 or 5xx says nothing about the API.
    return err.transient
      ? { action: 'retry', reason: 'ims_unavailable' }
      : { action: 'refresh_auth', reason: 'ims_refused' };
  }
  if (err instanceof SubmitOutcomeUnknownError) {
    // Resubmitting could run (and bill) the edit twice; the caller decides, by default it fails.
    return { action: 'fail', reason: 'submit_outcome_unknown' };
  }
  if (err instanceof TimeoutError) return { action: 'retry', reason: 'timeout' };
  if (err instanceof NetworkError) return { action: 'retry', reason: 'connection_failed' };
  if (err instanceof RemoteJobFailedError) {
    return remoteIsInternal(err)
      ? { action: 'retry', reason: 'remote_internal_error' }
      : { action: 'fail', reason: 'remote_job_failed' };
  }
  if (err instanceof RequestValidationError) return { action: 'fail', reason: 'invalid_request' };
  if (err instanceof ForeignStatusUrlError) return { action: 'fail', reason: 'foreign_status_url' };
  if (err instanceof UnknownOperationError) return { action: 'fail', reason: 'unknown_operation' };
  // Shape checks, not instanceof: abort reasons and socket errors can come from another realm.
  if (typeof err === 'object' && err !== null) {
    if ((err as { name?: unknown }).name === 'AbortError')
      return { action: 'retry', reason: 'aborted' };
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && NO_REPLY_CODES.has(code)) {
      return { action: 'retry', reason: 'connection_failed' };
    }
  }
  return { action: 'fail', reason: 'unexpected_error' };
}
