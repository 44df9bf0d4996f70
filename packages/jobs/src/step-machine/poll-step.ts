import { getOperation, type NormalizedStatus } from '@darkroom/photoshop';
import type { EditJobResult } from '../job-data';
import { statusBudgetClassOf } from './budget-classes';
import { completeJob, type FinishedRemoteRun } from './complete-job';
import { failJob, failRemoteJob, handleApiError } from './fail-job';
import { delayJob, type StepContext, type StepRun } from './step-context';
import { takeToken } from './take-token';

/**
 * The `poll` step: take a status token and ask Adobe about the saved status URL. Still running:
 * hand the job back delayed until the next poll. Failed: fail the job. Succeeded: complete it.
 */
export async function pollStep(ctx: StepContext, run: StepRun): Promise<EditJobResult> {
  const { job, signal } = run;
  const { options } = ctx;
  const data = job.data;
  const operation = getOperation(data.request.operation);
  const cls = statusBudgetClassOf(operation.id);
  if (!data.statusUrl) {
    return failJob(ctx, job, 'invalid_job', 'poll step without a saved status URL');
  }
  await takeToken(ctx, run, cls);

  let status: NormalizedStatus;
  try {
    status = await options.api(data.account).getStatus(data.statusUrl, {
      operationId: operation.id,
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    return handleApiError(ctx, run, err, cls);
  }
  const polls = (data.polls ?? 0) + 1;
  const remoteJobId = data.remoteJobId ?? status.jobId;
  ctx.observer.polled?.(job, { state: status.state });

  if (status.state === 'pending' || status.state === 'running') {
    await job.updateData({ ...data, polls, ...(remoteJobId ? { remoteJobId } : {}) });
    const estimate = await options.estimator.estimate(
      operation.id,
      options.defaultEstimate(operation.durationClass),
    );
    return delayJob(run, options.schedule.nextPollDelay(estimate, polls));
  }

  const finished = finishedRunOf(status, data.submittedAt, polls, remoteJobId);
  await job.updateData({ ...data, polls, ...(remoteJobId ? { remoteJobId } : {}) });
  if (status.state === 'failed') return failRemoteJob(ctx, job, status.error, remoteJobId);
  return completeJob(ctx, job, status, finished);
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
