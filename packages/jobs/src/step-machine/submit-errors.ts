import {
  ForeignStatusUrlError,
  HttpError,
  NetworkError,
  RateLimitedError,
  SubmitOutcomeUnknownError,
  TokenUnavailableError,
} from '@darkroom/photoshop';
import type { EditJobData } from '../job-data';
import { submitBudgetClassOf } from './budget-classes';
import { describeError, failJob } from './fail-job';
import { reconcileDelay } from './reconcile-step';
import { retryAfterRateLimit, retryTransient } from './retry-later';
import { delayJob, saveData, type StepContext, type StepRun } from './step-context';

/**
 * What a failed submit POST means. Four cases, by what Adobe can have received:
 * - maybe a job (`SubmitOutcomeUnknownError`: 5xx, no reply, a 2xx naming no job): `reconcile`
 *   before any other POST;
 * - a job that cannot be followed (its status link is outside the allowed origins): fail, naming it;
 * - refused by Adobe (429, 4xx): no job; a 429 waits, a 4xx fails;
 * - never sent (no token, connection refused, body refused by the contract): no job; the POST is
 *   taken back from the counts and tried again later, or the job fails.
 */
export async function handleSubmitError(
  ctx: StepContext,
  run: StepRun,
  err: unknown,
): Promise<never> {
  const { job } = run;
  if (err instanceof SubmitOutcomeUnknownError) {
    ctx.observer.retrying?.(job, 'submit_outcome_unknown', err);
    await saveData(run, { step: 'reconcile', reconcileChecks: 0 });
    const operation = job.data.request.operation;
    const firstLookMs = await reconcileDelay(ctx, operation, job.data.roundSubmits ?? 1, 0);
    ctx.journal.submitUnanswered(job, { detail: describeError(err), firstLookMs });
    return delayJob(run, firstLookMs);
  }
  if (err instanceof ForeignStatusUrlError) {
    await saveData(run, { submitIntent: undefined, remoteJobId: err.jobId });
    return failJob(ctx, job, 'client_error', `Adobe accepted the job, but ${err.message}`);
  }
  const sent = err instanceof HttpError;
  // A POST that never left is taken back from every count. One Adobe refused before any work
  // (429, or 401 for a stale token) stays in `submits`, which is what Adobe received, but spends
  // none of the round's POSTs, which are for answers that may hide a job.
  const refusedUpFront = err instanceof RateLimitedError || (sent && err.status === 401);
  const settled: Partial<EditJobData> = {
    submitIntent: undefined,
    ...(sent ? {} : { submits: Math.max(0, (job.data.submits ?? 1) - 1) }),
    ...(!sent || refusedUpFront
      ? { roundSubmits: Math.max(0, (job.data.roundSubmits ?? 1) - 1) }
      : {}),
  };
  if (err instanceof RateLimitedError) {
    return retryAfterRateLimit(
      ctx,
      run,
      err,
      submitBudgetClassOf(job.data.request.operation),
      settled,
    );
  }
  if (sent && err.status === 401 && !job.data.authRefreshed) {
    // The client dropped the stale token; the next POST, at once, takes a fresh one.
    await saveData(run, { ...settled, authRefreshed: true });
    const detail = describeError(err);
    ctx.journal.retrying(job, { reason: 'unauthorized', attempt: 1, of: 1, waitMs: 0, detail });
    return delayJob(run, 0);
  }
  const transient =
    (err instanceof TokenUnavailableError && err.transient) ||
    // The client reports a connection Adobe never saw (refused, DNS) as a plain NetworkError.
    err instanceof NetworkError;
  if (transient) {
    const retryAfterMs = err instanceof TokenUnavailableError ? err.retryAfterMs : undefined;
    return retryTransient(ctx, run, 'send', err, {
      patch: settled,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  await saveData(run, settled);
  const auth =
    err instanceof TokenUnavailableError || (err instanceof HttpError && err.status === 401);
  return failJob(ctx, job, auth ? 'auth_failed' : 'client_error', describeError(err));
}
