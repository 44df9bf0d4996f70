import {
  HttpError,
  NetworkError,
  RateLimitedError,
  TimeoutError,
  TokenUnavailableError,
} from '@darkroom/photoshop';
import { describeError, failJob } from './fail-job';
import { retryAfterRateLimit, retryTransient } from './retry-later';
import { delayJob, type StepContext, type StepRun } from './step-context';

/**
 * What a failed status read means. Reads that may pass (5xx, timeout, reset, no IMS token for a
 * moment) are tried again with a back-off and a budget of their own (`maxStatusErrors` in a row),
 * never the submit's. A 404 or 410 means Adobe no longer knows the job: the edit fails as
 * `remote_failed`, since another POST would bill a run that may have written the outputs.
 */
export async function handleStatusError(
  ctx: StepContext,
  run: StepRun,
  err: unknown,
  cls: string,
): Promise<never> {
  const { job } = run;
  // Shutdown or lock loss: hand the job back as delayed, state kept, nothing spent.
  if (run.signal?.aborted) return delayJob(run, 0);
  if (err instanceof RateLimitedError) return retryAfterRateLimit(ctx, run, err, cls);
  if (err instanceof TokenUnavailableError) {
    if (!err.transient) return failJob(ctx, job, 'auth_failed', describeError(err));
    return retryTransient(ctx, run, 'status_read', err, {
      ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    });
  }
  const transient =
    err instanceof TimeoutError ||
    err instanceof NetworkError ||
    (err instanceof HttpError && err.status >= 500);
  if (transient) return retryTransient(ctx, run, 'status_read', err);
  if (err instanceof HttpError && (err.status === 404 || err.status === 410)) {
    return failJob(
      ctx,
      job,
      'remote_failed',
      `Adobe no longer knows job ${job.data.remoteJobId ?? ''} (${describeError(err)} on its status link)`,
    );
  }
  if (err instanceof HttpError && err.status === 401) {
    return failJob(ctx, job, 'auth_failed', describeError(err));
  }
  return failJob(ctx, job, 'client_error', describeError(err));
}
