import { getOperation } from '@darkroom/photoshop';
import type { EditJobResult, SubmitIntent } from '../job-data';
import { completeByOutputs } from './complete-job';
import { failJob } from './fail-job';
import {
  backoffMs,
  delayJob,
  MAX_BACKOFF_MS,
  saveData,
  type StepContext,
  type StepRun,
} from './step-context';
import { pollStep } from './poll-step';
import { submitStep } from './submit-step';

/**
 * How far a store's clock and its whole-second timestamps (S3, Dropbox) may put an output Adobe
 * wrote after a submit before that submit's recorded time.
 */
const OUTPUT_CLOCK_TOLERANCE_MS = 2_000;

/** Looks for the outputs of an ambiguous POST before another is sent (waits 1, 2 and 4 units). */
const LOOKS_BEFORE_RESUBMIT = 3;

/** Looks at outputs that are partly written before the missing ones are declared missing. */
const LOOKS_WHILE_WRITING = 4;

/** Longest wait between two looks, whatever the run's expected length. */
const MAX_LOOK_WAIT_MS = 600_000;

/**
 * How long to wait before looking (again) for the outputs of an ambiguous submit. The first look
 * comes when the run is most likely done (the first poll's aim), never sooner than the submit
 * back-off Adobe asks for; each later look waits twice as long as the one before, for runs slower
 * than most (a busy service queues them).
 */
export async function reconcileDelay(
  ctx: StepContext,
  operationId: string,
  roundSubmits: number,
  looks: number,
): Promise<number> {
  const operation = getOperation(operationId);
  const estimate = await ctx.options.estimator.estimate(
    operation.id,
    ctx.options.defaultEstimate(operation.durationClass),
  );
  const likelyDone = ctx.options.schedule.firstPollDelay(estimate);
  const first = Math.max(likelyDone, backoffMs(ctx.retryBaseMs, roundSubmits, MAX_BACKOFF_MS));
  return Math.min(MAX_LOOK_WAIT_MS, first * 2 ** looks);
}

/**
 * The `reconcile` step: a POST was sent and its reply did not say whether Adobe took the job
 * (a 5xx, a reset, a timeout, a crash before the checkpoint). Adobe offers no idempotency key or
 * job search, so Darkroom looks for what the job would leave: every output written after the
 * POST. All there: the edit completes without another POST. Some there: Adobe is writing; wait.
 * None after the third look: the next POST of the round, or the end of the round's attempts.
 */
export async function reconcileStep(ctx: StepContext, run: StepRun): Promise<EditJobResult> {
  const { job } = run;
  const intent = job.data.submitIntent;
  if (!intent) {
    await saveData(run, { step: 'submit' });
    return submitStep(ctx, run);
  }
  const byEvent = await eventOfLostSubmit(ctx, run, intent);
  if (byEvent) return byEvent;
  const operation = getOperation(job.data.request.operation);
  // Operations that answer in the status reply write no output of Adobe's to look for.
  if (operation.maxOutputs === 0) return resubmitOrEnd(ctx, run, 'its answer is the status reply');
  const looks = (job.data.reconcileChecks ?? 0) + 1;
  const found = await outputsWrittenSince(ctx, run, intent);
  const total = job.data.request.outputs.length;
  if (found.missing.length === 0) {
    ctx.observer.reconciled?.(job, 'outputs');
    ctx.journal.reconcileLook(job, { look: looks, found: total, total });
    await saveData(run, { reconcileChecks: looks });
    return completeByOutputs(ctx, job, intent, found.lastWrittenAt);
  }
  const writing = found.missing.length < total;
  if (looks < (writing ? LOOKS_WHILE_WRITING : LOOKS_BEFORE_RESUBMIT)) {
    await saveData(run, { step: 'reconcile', reconcileChecks: looks });
    const roundSubmits = job.data.roundSubmits ?? 1;
    const nextLookMs = await reconcileDelay(ctx, operation.id, roundSubmits, looks);
    const written = total - found.missing.length;
    ctx.journal.reconcileLook(job, { look: looks, found: written, total, nextLookMs });
    return delayJob(run, nextLookMs);
  }
  if (writing) {
    ctx.observer.reconciled?.(job, 'gone');
    return failJob(
      ctx,
      job,
      'output_missing',
      `the submit's reply was lost and Adobe wrote only some outputs; missing: ${found.missing.join(', ')}`,
    );
  }
  return resubmitOrEnd(ctx, run, 'no output was written after it');
}

/**
 * Adobe's event about a job that wrote where this edit's lost POST asked: that POST created it.
 * The edit takes the job as its own (the status link and id the event named) and goes on as if
 * the reply had come, ending at once when the event reported the end.
 */
async function eventOfLostSubmit(
  ctx: StepContext,
  run: StepRun,
  intent: SubmitIntent,
): Promise<EditJobResult | undefined> {
  const { job } = run;
  const events = ctx.options.events;
  const editId = job.id;
  if (!events || !editId) return undefined;
  const adobeJobId = await events.adobeJobOfEdit(editId);
  if (!adobeJobId || job.data.earlierRemoteJobIds?.includes(adobeJobId)) return undefined;
  const event = await events.eventOf(adobeJobId);
  if (!event?.statusUrl) return undefined;
  ctx.observer.reconciled?.(job, 'event');
  ctx.journal.reconciledByEvent(job, adobeJobId);
  await saveData(run, {
    step: 'poll',
    statusUrl: event.statusUrl,
    remoteJobId: adobeJobId,
    submittedAt: intent.at,
    submitIntent: undefined,
    reconcileChecks: undefined,
    setupErrors: undefined,
    polls: 0,
  });
  await events.noteSubmitted(editId, adobeJobId);
  return pollStep(ctx, run);
}

/** No sign of the ambiguous POST's job: send the round's next POST, or end the edit. */
async function resubmitOrEnd(ctx: StepContext, run: StepRun, why: string): Promise<never> {
  const { job } = run;
  const sent = job.data.roundSubmits ?? 1;
  if (sent >= ctx.maxSubmitsPerRound) {
    ctx.observer.reconciled?.(job, 'gone');
    return failJob(
      ctx,
      job,
      'retries_exhausted',
      `${sent} submits got no usable reply and ${why}; nothing more is sent`,
    );
  }
  if (Date.now() > job.data.deadlineAt) {
    ctx.observer.reconciled?.(job, 'gone');
    return failJob(
      ctx,
      job,
      'deadline_exceeded',
      `deadline ${new Date(job.data.deadlineAt).toISOString()} passed after a submit whose reply was lost; ${why}`,
    );
  }
  ctx.observer.reconciled?.(job, 'resubmit');
  ctx.journal.resubmitting(job, why);
  await saveData(run, { step: 'submit', submitIntent: undefined, reconcileChecks: undefined });
  return submitStep(ctx, run);
}

/** The job's outputs not (yet) written after `intent`, and the last write time of the others. */
async function outputsWrittenSince(
  ctx: StepContext,
  run: StepRun,
  intent: SubmitIntent,
): Promise<{ missing: string[]; lastWrittenAt: number }> {
  const outputs = run.job.data.request.outputs;
  const since = intent.at - OUTPUT_CLOCK_TOLERANCE_MS;
  const stats = await Promise.all(outputs.map((o) => ctx.options.storage.stat(o.ref)));
  const missing: string[] = [];
  let lastWrittenAt = intent.at;
  for (const [i, output] of outputs.entries()) {
    const stat = stats[i]!;
    const written =
      stat.exists && !!stat.size && stat.modifiedAt !== undefined && stat.modifiedAt >= since;
    if (!written) missing.push(output.ref);
    else lastWrittenAt = Math.max(lastWrittenAt, stat.modifiedAt!);
  }
  return { missing, lastWrittenAt: Math.min(lastWrittenAt, Date.now()) };
}
