import { type RateLimitedError } from '@darkroom/photoshop';
import type { EditJobData } from '../job-data';
import { describeError, failJob } from './fail-job';
import {
  backoffMs,
  delayJob,
  MAX_BACKOFF_MS,
  saveData,
  type StepContext,
  type StepRun,
} from './step-context';

/**
 * A 429: the whole fleet pauses the class for Retry-After (`penalize`), and this job comes back
 * after it as a delayed job. A 429 spends no attempt of any kind.
 */
export async function retryAfterRateLimit(
  ctx: StepContext,
  run: StepRun,
  err: RateLimitedError,
  cls: string,
  patch: Partial<EditJobData> = {},
): Promise<never> {
  const { job } = run;
  ctx.observer.rateLimited?.(job.data.account, cls, err.retryAfterMs);
  await ctx.options.budget.penalize(ctx.budgetKey(job.data.account), cls, err.retryAfterMs);
  const count = (job.data.rateLimited ?? 0) + 1;
  await saveData(run, { ...patch, rateLimited: count });
  const waitMs = err.retryAfterMs * (1 + Math.random() * 0.1);
  ctx.journal.rateLimited(job, { count, waitMs });
  return delayJob(run, waitMs);
}

/** Kinds of transient failure: the counter each spends, its reason code and how messages say it. */
const TRANSIENT = {
  status_read: {
    counter: 'statusErrors',
    reason: 'status_read_failed',
    what: 'reading the status',
  },
  presign: { counter: 'setupErrors', reason: 'presign_failed', what: 'presigning the storage' },
  send: { counter: 'setupErrors', reason: 'submit_not_sent', what: 'sending the submit' },
  copy: {
    counter: 'statusErrors',
    reason: 'hosted_copy_failed',
    what: "copying Adobe's hosted results",
  },
} as const;

export type TransientKind = keyof typeof TRANSIENT;

/**
 * A transient failure (an IMS timeout, a storage blip, a status read answered 5xx): tried again
 * after an exponential back-off as a delayed job, or failed as `retries_exhausted` once its
 * counter of failures in a row passes its limit. `patch` is saved with the counter.
 */
export async function retryTransient(
  ctx: StepContext,
  run: StepRun,
  kind: TransientKind,
  err: unknown,
  options: { retryAfterMs?: number; patch?: Partial<EditJobData> } = {},
): Promise<never> {
  const { job } = run;
  const { counter, reason, what } = TRANSIENT[kind];
  const n = (job.data[counter] ?? 0) + 1;
  const max = counter === 'setupErrors' ? ctx.maxSetupErrors : ctx.maxStatusErrors;
  if (n > max) {
    return failJob(
      ctx,
      job,
      'retries_exhausted',
      `${what} failed ${n} times in a row: ${describeError(err)}`,
    );
  }
  ctx.observer.retrying?.(job, reason, err);
  await saveData(run, { ...options.patch, [counter]: n });
  const wait = Math.max(options.retryAfterMs ?? 0, backoffMs(ctx.retryBaseMs, n, MAX_BACKOFF_MS));
  ctx.journal.retrying(job, {
    reason,
    attempt: n,
    of: max,
    waitMs: wait,
    detail: describeError(err),
  });
  return delayJob(run, wait);
}
