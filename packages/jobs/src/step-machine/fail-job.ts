import { UnrecoverableError, type Job } from 'bullmq';
import { coerceError } from '@darkroom/core';
import {
  classifyError,
  HttpError,
  RateLimitedError,
  SubmitOutcomeUnknownError,
  type NormalizedStatus,
} from '@darkroom/photoshop';
import { JobFailure, type FailureReason } from '../errors/job-failure';
import type { EditJobData } from '../job-data';
import { delayJob, type StepContext, type StepRun } from './step-context';

/**
 * Ends the job for good with a machine-readable reason. BullMQ does not retry an
 * `UnrecoverableError`, and its message parses back with `parseFailedReason`.
 */
export function failJob(
  ctx: StepContext,
  job: Job<EditJobData>,
  reason: FailureReason,
  message: string,
): never {
  ctx.observer.failed?.(job, reason, message);
  throw new UnrecoverableError(new JobFailure(reason, message).message);
}

/** Retryable failure: let BullMQ back off and retry, or fail for good on the last attempt. */
export function retryOrExhaust(
  ctx: StepContext,
  job: Job<EditJobData>,
  err: unknown,
  reason: string,
): never {
  const attempts = job.opts.attempts ?? 1;
  const message = coerceError(err).message;
  if (job.attemptsMade + 1 >= attempts) {
    failJob(ctx, job, 'retries_exhausted', `${reason} after ${attempts} attempts: ${message}`);
  }
  ctx.observer.retrying?.(job, reason, err);
  throw coerceError(err);
}

/**
 * What an error from the API client means for the job, on either step: delayed (shutdown, 429),
 * retried by BullMQ (5xx, lost submit reply) or failed for good (auth, other 4xx).
 */
export async function handleApiError(
  ctx: StepContext,
  run: StepRun,
  err: unknown,
  cls: string,
): Promise<never> {
  const { job } = run;
  if (run.signal?.aborted) {
    // Shutdown or lock loss: hand the job back as delayed, state kept, no attempt spent.
    return delayJob(run, 0);
  }
  if (err instanceof RateLimitedError) {
    ctx.observer.rateLimited?.(job.data.account, cls, err.retryAfterMs);
    await ctx.options.budget.penalize(job.data.account, cls, err.retryAfterMs);
    // A 429 does not spend an attempt: the job waits for Retry-After as a delayed job.
    await job.updateData({ ...job.data, rateLimited: (job.data.rateLimited ?? 0) + 1 });
    return delayJob(run, err.retryAfterMs * (1 + Math.random() * 0.1));
  }
  if (err instanceof SubmitOutcomeUnknownError) {
    // The POST got no reply: Adobe may or may not have the job, and it offers no idempotency
    // key to ask. Darkroom resubmits on the next attempt: output keys are fixed per job, so a
    // second remote run rewrites the same objects; the cost is at most one extra Adobe job per
    // lost reply, and the log line says so.
    return retryOrExhaust(ctx, job, err, 'submit_outcome_unknown');
  }
  const verdict = classifyError(err);
  switch (verdict.action) {
    case 'retry':
    case 'slow_down':
      return retryOrExhaust(ctx, job, err, verdict.reason);
    case 'refresh_auth':
      return failJob(ctx, job, 'auth_failed', describeError(err));
    case 'fail':
      return failJob(ctx, job, 'client_error', describeError(err));
  }
}

/** Fails a job whose remote run Adobe reported as failed, naming Adobe's error if it gave one. */
export function failRemoteJob(
  ctx: StepContext,
  job: Job<EditJobData>,
  error: NormalizedStatus['error'],
  remoteJobId: string | undefined,
): never {
  const detail = [
    error?.type,
    error?.code !== undefined ? String(error.code) : undefined,
    error?.title,
  ]
    .filter(Boolean)
    .join(' ');
  return failJob(
    ctx,
    job,
    'remote_failed',
    `Adobe job ${remoteJobId ?? ''} failed${detail ? `: ${detail}` : ''}`.trim(),
  );
}

/** A failure message with Adobe's error type, code and title but never a URL or a body. */
export function describeError(err: unknown): string {
  if (err instanceof HttpError) {
    const adobe = [err.type, err.code !== undefined ? String(err.code) : undefined, err.title]
      .filter(Boolean)
      .join(' ');
    return `HTTP ${err.status}${adobe ? ` ${adobe}` : ''}`;
  }
  return coerceError(err).message;
}
