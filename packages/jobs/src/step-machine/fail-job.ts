import { UnrecoverableError, type Job } from 'bullmq';
import { coerceError } from '@darkroom/core';
import { HttpError, type NormalizedStatus } from '@darkroom/photoshop';
import { JobFailure, type FailureReason } from '../errors/job-failure';
import type { EditJobData } from '../job-data';
import type { StepContext } from './step-context';

/**
 * Ends the job for good with a machine-readable reason. BullMQ does not retry an
 * `UnrecoverableError`, and its message parses back with `parseFailedReason`. The end is saved in
 * the job first (`endedAt`), so a later retry of the failed job (ours or Bull Board's, which only
 * moves it back to waiting) starts a fresh, counted submission rather than polling a dead run.
 */
export async function failJob(
  ctx: StepContext,
  job: Job<EditJobData>,
  reason: FailureReason,
  message: string,
): Promise<never> {
  ctx.observer.failed?.(job, reason, message);
  ctx.journal.failed(job, reason, message);
  try {
    await job.updateData({ ...job.data, endedAt: Date.now() });
  } catch {
    // Redis refused the write: the failure below still ends the job, and its retry polls the
    // saved status link once before it learns the run is over.
  }
  throw new UnrecoverableError(new JobFailure(reason, message).message);
}

/** Fails a job whose remote run Adobe reported as failed, naming Adobe's error if it gave one. */
export function failRemoteJob(
  ctx: StepContext,
  job: Job<EditJobData>,
  status: NormalizedStatus,
  remoteJobId: string | undefined,
): Promise<never> {
  const { error } = status;
  const detail = [
    error?.type,
    error?.code !== undefined ? String(error.code) : undefined,
    error?.title,
  ]
    .filter(Boolean)
    .join(' ');
  const partial =
    status.failedEntries && status.entryCount
      ? ` (${status.failedEntries.length} of ${status.entryCount} entries failed: ${status.failedEntries.join(', ')}; the others' files were written)`
      : '';
  return failJob(
    ctx,
    job,
    'remote_failed',
    `Adobe job ${remoteJobId ?? ''} failed${detail ? `: ${detail}` : ''}${partial}`.trim(),
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
