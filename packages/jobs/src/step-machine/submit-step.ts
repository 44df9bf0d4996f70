import type { Job } from 'bullmq';
import { buildRequestBody, getOperation, type OperationSpec } from '@darkroom/photoshop';
import { requestBody } from '../edit-job';
import type { EditJobData } from '../job-data';
import { submitBudgetClassOf } from './budget-classes';
import { describeError, failJob, handleApiError } from './fail-job';
import { delayJob, type StepContext, type StepRun } from './step-context';
import { takeToken } from './take-token';

/** The longest life a presigned URL is given: a week, the most S3 accepts for a signed URL. */
const MAX_PRESIGN_TTL_S = 7 * 24 * 3600;

/**
 * The `submit` step: presign the job's input and outputs, take a submit token, POST the operation,
 * checkpoint the status URL and hand the job back delayed until its first poll. Always ends by
 * throwing: delayed, retried or failed.
 */
export async function submitStep(ctx: StepContext, run: StepRun, pickedAt: number): Promise<never> {
  const { job, signal } = run;
  const data = job.data;
  const operation = getOperation(data.request.operation);
  const cls = submitBudgetClassOf(operation.id);
  const body = await presignedBody(ctx, job, operation);

  // The token is taken last, right before the POST: Adobe counts the request when it arrives,
  // so the less work between grant and send, the closer Adobe's window matches the budget's.
  await takeToken(ctx, run, cls);
  let submitted: { statusUrl: string; jobId?: string };
  const submits = (data.submits ?? 0) + 1;
  try {
    submitted = await ctx.options
      .api(data.account)
      .submit(operation.id, body, signal ? { signal } : {});
  } catch (err) {
    return handleApiError(ctx, run, err, cls);
  }
  // The checkpoint: from here on, any pick-up of this job polls instead of submitting again.
  const next: EditJobData = {
    ...data,
    startedAt: data.startedAt ?? pickedAt,
    step: 'poll',
    statusUrl: submitted.statusUrl,
    ...(submitted.jobId ? { remoteJobId: submitted.jobId } : {}),
    submittedAt: Date.now(),
    submits,
    polls: 0,
  };
  await job.updateData(next);
  ctx.observer.submitted?.(job, {
    ...(submitted.jobId ? { remoteJobId: submitted.jobId } : {}),
  });
  const estimate = await ctx.options.estimator.estimate(
    operation.id,
    ctx.options.defaultEstimate(operation.durationClass),
  );
  return delayJob(run, ctx.options.schedule.firstPollDelay(estimate));
}

/**
 * The request body with every reference presigned, valid until the job's deadline plus the
 * margin. Presigned now, in memory only: the URLs reach Adobe in the body and nowhere else.
 * A body that cannot be built fails the job as `invalid_job`.
 */
async function presignedBody(
  ctx: StepContext,
  job: Job<EditJobData>,
  operation: OperationSpec,
): Promise<unknown> {
  const { storage } = ctx.options;
  const data = job.data;
  const ttlSeconds = Math.min(
    MAX_PRESIGN_TTL_S,
    Math.ceil((Math.max(data.deadlineAt - Date.now(), 0) + ctx.presignMarginMs) / 1000),
  );
  const outputTypes = new Map(data.request.outputs.map((o) => [o.ref, contentTypeOf(o)]));
  try {
    return await buildRequestBody(operation.id, requestBody(data.request), async (ref, how) => {
      const signed =
        how.access === 'read'
          ? await storage.presignRead(ref, ttlSeconds)
          : await storage.presignWrite(ref, ttlSeconds, {
              contentType: how.contentType ?? outputTypes.get(ref),
            });
      return { href: signed.href, storage: signed.storage };
    });
  } catch (err) {
    return failJob(ctx, job, 'invalid_job', describeError(err));
  }
}

/** Content type of an output, from its v1 `type` or v2 `mediaType`. */
function contentTypeOf(output: Record<string, unknown>): string | undefined {
  const value = output.type ?? output.mediaType;
  return typeof value === 'string' ? value : undefined;
}
