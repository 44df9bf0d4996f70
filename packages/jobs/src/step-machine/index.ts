import { DelayedError, type Job } from 'bullmq';
import {
  annotateSpan,
  traceCarrier,
  withRemoteParent,
  withSpan,
  type Span,
  type TraceCarrier,
} from '@darkroom/tracing';
import { EDIT_SPAN_ATTRIBUTES, EDIT_SPAN_NAMES, type StepOutcome } from '../edit-spans';
import type { EditJobData, EditJobResult, EditStep } from '../job-data';
import { checkStop } from './check-stop';
import { startNewRound } from './new-round';
import { pollStep } from './poll-step';
import type { StepMachineOptions } from './ports';
import { reconcileStep } from './reconcile-step';
import { stepContextOf, type StepContext, type StepRun } from './step-context';
import { submitStep } from './submit-step';

export { submitBudgetClassOf, submitBudgetClassesOf, statusBudgetClassOf } from './budget-classes';
export type { StepMachineOptions, StepObserver, StoragePort, ApiPort, BudgetPort } from './ports';
export {
  EDIT_PROGRESS,
  JOURNAL_LIMITS,
  JobJournal,
  pollingProgress,
  warnJournalError,
} from './job-journal';
export type { EditProgress, JournalErrorHandler } from './job-journal';

/**
 * The one BullMQ processor of Darkroom: a small state machine whose state lives in `job.data`.
 *
 * - `submit`: budget tokens → presign → record the POST in the job → POST → checkpoint the status
 *   URL → delay to the first poll.
 * - `reconcile`: the POST's reply was lost or ambiguous; look for its outputs before any other
 *   POST (see reconcile-step.ts).
 * - `poll`: budget token → GET status → running: delay to the next poll; succeeded: verify the
 *   outputs and complete; failed: classify and fail.
 *
 * Waiting between polls is a delayed job, never a sleep, so no worker slot is held while Adobe
 * works. Every POST is written to the job before it leaves, so a job picked up again after a
 * crash never sends another until the last one is accounted for.
 */
export function createStepMachine(options: StepMachineOptions) {
  const ctx = stepContextOf(options);
  return function processEditJob(
    job: Job<EditJobData, EditJobResult>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<EditJobResult> {
    // When this pick-up began; the first one's ends the queue wait (saved with the job).
    const run = { job, token, signal, pickedAt: Date.now() };
    return withRemoteParent(parentOf(job.data.trace), () => tracedStep(ctx, run));
  };
}

/** The step this pick-up runs, from the job's saved state. */
function stepOf(data: EditJobData): EditStep {
  if (data.step === 'poll' && data.statusUrl) return 'poll';
  if (data.step === 'reconcile' || data.submitIntent) return 'reconcile';
  return 'submit';
}

async function runStep(ctx: StepContext, run: StepRun): Promise<EditJobResult> {
  const { job } = run;
  if (job.data.endedAt !== undefined) await startNewRound(ctx, run);
  await checkStop(ctx, run);
  const step = stepOf(job.data);
  annotateSpan({ [EDIT_SPAN_ATTRIBUTES.step]: step });
  if (step === 'poll') return pollStep(ctx, run);
  if (step === 'reconcile') return reconcileStep(ctx, run);
  return submitStep(ctx, run);
}

const traceIdOf = (traceparent: string | undefined): string | undefined =>
  traceparent?.split('-')[1];

/**
 * The parent of this pick-up's span: the enqueue's saved context, unless the active span is in
 * that trace already (BullMQ's `process` span, when the worker has `bullmqTelemetry()`), which
 * then stays the parent so the tree reads enqueue → add → process → step.
 */
function parentOf(saved: TraceCarrier | undefined): TraceCarrier | undefined {
  const active = traceIdOf(traceCarrier().traceparent);
  return active !== undefined && active === traceIdOf(saved?.traceparent) ? undefined : saved;
}

/**
 * One pick-up inside an `edit.step` span. Handing the job back as a delayed job (BullMQ's
 * `DelayedError`) is how a step waits, not a failure: the span says `delayed` and keeps an unset
 * status; a real failure is recorded on the span as an error.
 */
async function tracedStep(ctx: StepContext, run: StepRun): Promise<EditJobResult> {
  const { job } = run;
  const attributes = {
    [EDIT_SPAN_ATTRIBUTES.operation]: job.data.request.operation,
    [EDIT_SPAN_ATTRIBUTES.account]: job.data.account,
    [EDIT_SPAN_ATTRIBUTES.jobId]: job.id,
    [EDIT_SPAN_ATTRIBUTES.step]: stepOf(job.data),
    [EDIT_SPAN_ATTRIBUTES.attempt]: job.attemptsMade + 1,
  };
  const outcome = (span: Span, value: StepOutcome): void => {
    span.setAttribute(EDIT_SPAN_ATTRIBUTES.outcome, value);
  };
  type Ended = { result: EditJobResult } | { delayed: DelayedError };
  const ended = await withSpan(EDIT_SPAN_NAMES.step, attributes, async (span): Promise<Ended> => {
    try {
      const result = await runStep(ctx, run);
      outcome(span, 'completed');
      return { result };
    } catch (err) {
      if (err instanceof DelayedError) {
        outcome(span, 'delayed');
        return { delayed: err };
      }
      outcome(span, 'failed');
      throw err;
    }
  });
  if ('delayed' in ended) throw ended.delayed;
  return ended.result;
}
