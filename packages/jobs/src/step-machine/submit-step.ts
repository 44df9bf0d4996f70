import { randomBytes } from 'node:crypto';
import { DelayedError } from 'bullmq';
import {
  buildRequestBody,
  getOperation,
  retirementNotice,
  retirementOf,
  type OperationSpec,
} from '@darkroom/photoshop';
import { requestBody } from '../edit-job';
import { parkRecheckDelay } from '../fair/fair-queue';
import { DEFAULT_TENANT } from '../tenants/tenant-config';
import { submitBudgetClassesOf } from './budget-classes';
import { describeError, failJob } from './fail-job';
import { retryTransient } from './retry-later';
import { delayJob, pollWait, saveData, type StepContext, type StepRun } from './step-context';
import { handleSubmitError } from './submit-errors';
import { takeTokens } from './take-token';

/** The longest life a presigned URL is given: a week, the most S3 accepts for a signed URL. */
const MAX_PRESIGN_TTL_S = 7 * 24 * 3600;

/**
 * The `submit` step: check there is time for the run, take the submit tokens, presign the job's
 * input and outputs, record the POST in the job, send it, checkpoint the status URL and hand the
 * job back delayed until its first poll. Always ends by throwing: delayed, retried or failed.
 *
 * The POST is never given the abort signal: once it leaves, its reply decides what happens, and
 * a shutdown waits for it (the drain deadline covers the API timeout).
 */
export async function submitStep(ctx: StepContext, run: StepRun): Promise<never> {
  const { job } = run;
  const operation = getOperation(job.data.request.operation);
  const retirement = ctx.options.legacyApi === 'refuse' ? retirementOf(operation.id) : undefined;
  if (retirement) {
    return failJob(ctx, job, 'invalid_job', retirementNotice(operation.id, retirement));
  }
  const estimate = await ctx.options.estimator.estimate(
    operation.id,
    ctx.options.defaultEstimate(operation.durationClass),
  );
  const leftMs = job.data.deadlineAt - Date.now();
  if (leftMs < estimate.meanMs) {
    return failJob(
      ctx,
      job,
      job.data.rateLimited && !job.data.submits ? 'rate_limited_too_long' : 'deadline_exceeded',
      `not submitted: ${Math.max(0, Math.round(leftMs / 1000))} s left before the deadline, ${operation.id} takes about ${Math.round(estimate.meanMs / 1000)} s`,
    );
  }
  await checkContract(ctx, run, operation);
  await waitForAdmission(ctx, run);
  // Tokens first, then presigning: a job that waits for the budget comes back and presigns once,
  // rather than calling Dropbox or Azure again on every wake-up.
  await takeTokens(ctx, run, submitBudgetClassesOf(operation.id));
  const firstPoll = ctx.options.schedule.firstPollDelay(estimate);
  const { body, writeLocations } = await presignedBody(ctx, run, operation, firstPoll);

  const intent = { at: Date.now(), nonce: randomBytes(6).toString('hex') };
  await saveData(run, {
    startedAt: job.data.startedAt ?? run.pickedAt,
    submitIntent: intent,
    submits: (job.data.submits ?? 0) + 1,
    roundSubmits: (job.data.roundSubmits ?? 0) + 1,
  });
  if (job.id) await ctx.options.fair?.submitted(job.id, ctx.budgetKey(job.data.account));
  // Where Adobe will write, so an event can name this edit even if the POST's reply is lost.
  if (job.id) await ctx.options.events?.noteIntent(job.id, writeLocations);
  let submitted: { statusUrl: string; jobId?: string };
  try {
    submitted = await ctx.options.api(job.data.account).submit(operation.id, body, {});
  } catch (err) {
    return handleSubmitError(ctx, run, err);
  }
  // The checkpoint: from here on, any pick-up of this job polls instead of submitting again.
  await saveData(run, {
    step: 'poll',
    statusUrl: submitted.statusUrl,
    remoteJobId: submitted.jobId,
    submittedAt: intent.at,
    submitIntent: undefined,
    setupErrors: undefined,
    reconcileChecks: undefined,
    polls: 0,
  });
  if (submitted.jobId && job.id) await ctx.options.events?.noteSubmitted(job.id, submitted.jobId);
  ctx.observer.submitted?.(job, {
    ...(submitted.jobId ? { remoteJobId: submitted.jobId } : {}),
  });
  const firstPollMs = await pollWait(ctx, firstPoll);
  ctx.journal.submitted(job, { remoteJobId: submitted.jobId, firstPollMs });
  return delayJob(run, firstPollMs);
}

/**
 * The first POST of a round is sent only once fair dispatch has admitted the edit: until then it
 * waits parked in its tenant's line (a job in no BullMQ list, so it takes no slot), from which the dispatcher
 * promotes it. Later POSTs of the round (after a lost reply) were admitted with the first.
 */
async function waitForAdmission(ctx: StepContext, run: StepRun): Promise<void> {
  const { job } = run;
  const fair = ctx.options.fair;
  if (!fair || !job.id || (job.data.roundSubmits ?? 0) > 0) return;
  try {
    ctx.options.api(job.data.account);
  } catch {
    return; // an account this worker does not know fails at the submit, not after a wait
  }
  const domain = ctx.budgetKey(job.data.account);
  if (await fair.admitted(job.id, domain)) return;
  // Delayed first (released by this worker), then out of the delayed set into its line: should
  // the park not happen, the edit wakes after the recheck delay and parks again.
  await run.job.moveToDelayed(Date.now() + parkRecheckDelay(), run.token);
  await fair.park({
    id: job.id,
    account: job.data.account,
    tenant: job.data.tenant ?? DEFAULT_TENANT,
    priority: job.opts.priority,
  });
  throw new DelayedError();
}

/**
 * The request body with every reference presigned, valid until the job's deadline plus the
 * margin, and the links Adobe will write to. Presigned now, in memory only: the URLs reach Adobe
 * in the body and nowhere else (the event store keeps digests of where they point).
 * A storage error marked transient is tried again later; any other fails the job as `invalid_job`.
 * Links that would stop working within `runMs` (the run's likely length) are not sent: Adobe
 * would fail to write the outputs, and a later try gets fresher credentials.
 */
async function presignedBody(
  ctx: StepContext,
  run: StepRun,
  operation: OperationSpec,
  runMs: number,
): Promise<{ body: unknown; writeLocations: string[] }> {
  const { storage } = ctx.options;
  const data = run.job.data;
  const ttlSeconds = Math.min(
    MAX_PRESIGN_TTL_S,
    Math.ceil((Math.max(data.deadlineAt - Date.now(), 0) + ctx.presignMarginMs) / 1000),
  );
  const outputTypes = new Map(data.request.outputs.map((o) => [o.ref, contentTypeOf(o)]));
  let expiresAt = Infinity;
  let body: unknown;
  const writeLocations: string[] = [];
  try {
    body = await buildRequestBody(operation.id, requestBody(data.request), async (ref, how) => {
      const signed =
        how.access === 'read'
          ? await storage.presignRead(ref, ttlSeconds)
          : await storage.presignWrite(ref, ttlSeconds, {
              contentType: how.contentType ?? outputTypes.get(ref),
            });
      expiresAt = Math.min(expiresAt, signed.expiresAt?.getTime() ?? Infinity);
      if (how.access === 'write') writeLocations.push(signed.href);
      return { href: signed.href, storage: signed.storage };
    });
  } catch (err) {
    const transient = transientOf(err);
    if (transient) {
      return retryTransient(ctx, run, 'presign', err, transient);
    }
    return failJob(ctx, run.job, 'invalid_job', describeError(err));
  }
  if (expiresAt < Date.now() + runMs) {
    const early = new Error(
      `presigned links expire at ${new Date(expiresAt).toISOString()}, before the run would end`,
    );
    return retryTransient(ctx, run, 'presign', early);
  }
  return { body, writeLocations };
}

/**
 * Fails the job as `invalid_job`, before any token is taken or anything presigned, when its body
 * breaks Adobe's contract: the body is built once with placeholder links, which costs no call.
 */
async function checkContract(
  ctx: StepContext,
  run: StepRun,
  operation: OperationSpec,
): Promise<void> {
  try {
    await buildRequestBody(operation.id, requestBody(run.job.data.request), (ref) =>
      Promise.resolve({
        href: `https://placeholder.invalid/${encodeURIComponent(ref)}`,
        storage: 'external',
      }),
    );
  } catch (err) {
    await failJob(ctx, run.job, 'invalid_job', describeError(err));
  }
}

/** Whether a storage error says it may pass (and after how long), by the storage port's contract. */
function transientOf(err: unknown): { retryAfterMs?: number } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { transient, retryAfterMs } = err as { transient?: unknown; retryAfterMs?: unknown };
  if (transient !== true) return undefined;
  return typeof retryAfterMs === 'number' ? { retryAfterMs } : {};
}

/** Content type of an output, from its v1 `type` or v2 `mediaType`. */
function contentTypeOf(output: Record<string, unknown>): string | undefined {
  const value = output.type ?? output.mediaType;
  return typeof value === 'string' ? value : undefined;
}
