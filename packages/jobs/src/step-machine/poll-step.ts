import {
  classifyError,
  getOperation,
  RemoteJobFailedError,
  type NormalizedStatus,
} from '@darkroom/photoshop';
import type { EditJobResult } from '../job-data';
import { statusBudgetClassOf } from './budget-classes';
import { completeJob, type FinishedRemoteRun } from './complete-job';
import { failJob, failRemoteJob } from './fail-job';
import { statusOfEvent, type RemoteJobEvent } from '../remote-events/remote-event-store';
import { HostedCopyError } from './hosted-results';
import { retryTransient } from './retry-later';
import { handleStatusError } from './status-errors';
import {
  backoffMs,
  delayJob,
  MAX_BACKOFF_MS,
  pollWait,
  saveData,
  type StepContext,
  type StepRun,
} from './step-context';
import { takeToken } from './take-token';

/** Replies in a row with a status word Darkroom does not know before the edit fails. */
const MAX_UNKNOWN_STATUSES = 3;

/**
 * The `poll` step: take a status token and ask Adobe about the saved status URL. Still running:
 * hand the job back delayed until the next poll. Failed: fail the job, or submit it again when
 * Adobe blames itself. Succeeded: complete it. Once submitted, an edit is polled to the end of
 * its run, whatever its deadline says, until `remoteRetentionMs` after the submit.
 */
export async function pollStep(ctx: StepContext, run: StepRun): Promise<EditJobResult> {
  const { job, signal } = run;
  const data = job.data;
  const operation = getOperation(data.request.operation);
  if (!data.statusUrl) {
    return failJob(ctx, job, 'invalid_job', 'poll step without a saved status URL');
  }
  const sinceSubmit = Date.now() - (data.submittedAt ?? Date.now());
  if (sinceSubmit > ctx.remoteRetentionMs) {
    return failJob(
      ctx,
      job,
      'deadline_exceeded',
      `Adobe job ${data.remoteJobId ?? ''} still unfinished ${Math.round(sinceSubmit / 60_000)} min after its submit`,
    );
  }
  const event = await finalEvent(ctx, data.remoteJobId, operation.maxOutputs);
  let status: NormalizedStatus;
  if (event) status = statusOfEvent(event);
  else {
    const cls = statusBudgetClassOf(operation.id);
    await takeToken(ctx, run, cls);
    try {
      status = await ctx.options.api(data.account).getStatus(data.statusUrl, {
        operationId: operation.id,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      return handleStatusError(ctx, run, err, cls);
    }
  }
  const polls = (data.polls ?? 0) + (event ? 0 : 1);
  const remoteJobId = data.remoteJobId ?? status.jobId;
  if (!event) ctx.observer.polled?.(job, { state: status.state });
  else ctx.journal.eventReceived(job, status.state);
  const read = { polls, remoteJobId, statusErrors: undefined };

  if (status.state === 'pending' || status.state === 'running' || status.state === 'unknown') {
    const unknown = status.state === 'unknown' ? (data.unknownStatuses ?? 0) + 1 : undefined;
    if (unknown !== undefined && unknown >= MAX_UNKNOWN_STATUSES) {
      return failJob(
        ctx,
        job,
        'remote_failed',
        `Adobe job ${remoteJobId ?? ''} reported status '${status.statusWord ?? ''}' ${unknown} times, a word Darkroom does not know`,
      );
    }
    await saveData(run, { ...read, unknownStatuses: unknown });
    const estimate = await ctx.options.estimator.estimate(
      operation.id,
      ctx.options.defaultEstimate(operation.durationClass),
    );
    const nextPollMs = await pollWait(ctx, ctx.options.schedule.nextPollDelay(estimate, polls));
    ctx.journal.polled(job, {
      polls,
      state: status.state,
      statusWord: status.statusWord,
      nextPollMs,
      expectedMs: estimate.meanMs,
    });
    return delayJob(run, nextPollMs);
  }

  const finished = finishedRunOf(status, data.submittedAt, polls, remoteJobId);
  await saveData(run, { ...read, unknownStatuses: undefined });
  if (status.state === 'failed') return remoteFailure(ctx, run, status, remoteJobId);
  try {
    return await completeJob(ctx, job, status, finished, signal, event ? 'event' : 'status');
  } catch (err) {
    if (!(err instanceof HostedCopyError)) throw err;
    // The status is read again next time: Adobe's links are short-lived and may be renewed.
    if (err.transient) return retryTransient(ctx, run, 'copy', err);
    return failJob(ctx, job, 'output_missing', `Adobe's hosted result: ${err.message}`);
  }
}

/**
 * Adobe reported the run failed. When it blames itself (an internal error) and the round has
 * POSTs left, the edit is submitted again after a back-off, the failed run's id kept; otherwise
 * the edit fails naming Adobe's error.
 */
async function remoteFailure(
  ctx: StepContext,
  run: StepRun,
  status: NormalizedStatus,
  remoteJobId: string | undefined,
): Promise<never> {
  const { job } = run;
  const failure = new RemoteJobFailedError(status.error ?? {}, remoteJobId);
  const verdict = classifyError(failure);
  const sent = job.data.roundSubmits ?? 1;
  if (verdict.action !== 'retry' || sent >= ctx.maxSubmitsPerRound) {
    return failRemoteJob(ctx, job, status, remoteJobId);
  }
  ctx.observer.retrying?.(job, verdict.reason, failure);
  const waitMs = backoffMs(ctx.retryBaseMs, sent, MAX_BACKOFF_MS);
  ctx.journal.retrying(job, {
    reason: verdict.reason,
    attempt: sent,
    of: ctx.maxSubmitsPerRound - 1,
    waitMs,
    detail: failure.message,
  });
  await saveData(run, {
    step: 'submit',
    statusUrl: undefined,
    remoteJobId: undefined,
    submittedAt: undefined,
    earlierRemoteJobIds: [
      ...(job.data.earlierRemoteJobIds ?? []),
      ...(remoteJobId ? [remoteJobId] : []),
    ],
  });
  return delayJob(run, waitMs);
}

/**
 * When Adobe's run started and finished, by its own timestamps where it gave them. The finish is
 * never later than now, so a remote clock ahead of Darkroom's cannot make a negative lag.
 */
function finishedRunOf(
  status: NormalizedStatus,
  savedSubmittedAt: number | undefined,
  polls: number,
  remoteJobId: string | undefined,
): FinishedRemoteRun {
  const now = Date.now();
  const submittedAt = savedSubmittedAt ?? now;
  return {
    polls,
    remoteJobId,
    submittedAt,
    remoteStart: status.created?.getTime() ?? submittedAt,
    remoteFinishedAt: Math.min(now, status.modified?.getTime() ?? now),
    detectedAt: now,
  };
}

/**
 * The event Adobe sent about this run, when it reported an end and stands in for the status:
 * always for a failure; for a success only when the status holds nothing Darkroom keeps (the
 * answer of a manifest or mask operation is in the status reply, so that is read).
 */
async function finalEvent(
  ctx: StepContext,
  remoteJobId: string | undefined,
  maxOutputs: number,
): Promise<RemoteJobEvent | undefined> {
  if (!ctx.options.events || !remoteJobId) return undefined;
  const event = await ctx.options.events.eventOf(remoteJobId);
  if (!event || (event.state === 'succeeded' && maxOutputs === 0)) return undefined;
  return event;
}
