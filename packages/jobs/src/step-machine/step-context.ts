import { DelayedError, type Job } from 'bullmq';
import type { EditJobData } from '../job-data';
import { JobJournal } from './job-journal';
import type { StepMachineOptions, StepObserver } from './ports';

/** The options of one step machine with their defaults filled in, shared by every step. */
export interface StepContext {
  readonly options: StepMachineOptions;
  readonly observer: StepObserver;
  /** Each edit's log lines and progress, as Bull Board shows them. */
  readonly journal: JobJournal;
  readonly presignMarginMs: number;
  readonly inlineBudgetWaitMs: number;
  readonly budgetKey: (account: string) => string;
  readonly maxSubmitsPerRound: number;
  readonly maxStatusErrors: number;
  readonly maxSetupErrors: number;
  readonly retryBaseMs: number;
  readonly remoteRetentionMs: number;
  readonly pollStretch: number;
}

/** One pick-up of a job by the processor: the job, BullMQ's lock token and the abort signal. */
export interface StepRun {
  readonly job: Job<EditJobData>;
  readonly token: string | undefined;
  readonly signal: AbortSignal | undefined;
  /** When this pick-up began; the first one's is saved as the edit's `startedAt`. */
  readonly pickedAt: number;
}

/** Fills in the defaults of `options` once, when the step machine is created. */
export function stepContextOf(options: StepMachineOptions): StepContext {
  return {
    options,
    observer: options.observer ?? {},
    journal: new JobJournal(options.onJournalError),
    presignMarginMs: options.presignMarginMs ?? 300_000,
    inlineBudgetWaitMs: options.inlineBudgetWaitMs ?? 250,
    budgetKey: options.budgetKey ?? ((account) => account),
    maxSubmitsPerRound: options.maxSubmitsPerRound ?? 4,
    maxStatusErrors: options.maxStatusErrors ?? 12,
    maxSetupErrors: options.maxSetupErrors ?? 8,
    retryBaseMs: options.retryBaseMs ?? 1_000,
    remoteRetentionMs: options.remoteRetentionMs ?? 86_400_000,
    pollStretch: options.pollStretch ?? 4,
  };
}

/**
 * The wait before a status read: as the poll schedule says, or `pollStretch` times that while
 * Adobe's events are arriving (an event wakes the edit sooner; the poll is for one that is lost).
 */
export async function pollWait(ctx: StepContext, scheduledMs: number): Promise<number> {
  const events = ctx.options.events;
  return events && (await events.healthy()) ? scheduledMs * ctx.pollStretch : scheduledMs;
}

/**
 * Hands the job back to BullMQ as delayed by `ms` and ends this run. Waiting is always a delayed
 * job, never a sleep, so no worker slot is held while Adobe works or a budget refills.
 */
export async function delayJob(run: StepRun, ms: number): Promise<never> {
  await run.job.moveToDelayed(Date.now() + Math.max(0, Math.round(ms)), run.token);
  throw new DelayedError();
}

/** Longest wait of any back-off of the step machine (transient errors, resubmits, first looks). */
export const MAX_BACKOFF_MS = 60_000;

/**
 * The `n`th (1-based) wait of an exponential back-off from `baseMs`, capped at `capMs`, with
 * equal jitter (half fixed, half random) so a fleet does not retry in step.
 */
export function backoffMs(baseMs: number, n: number, capMs: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, n - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Saves `patch` into the job's data (BullMQ also updates `job.data` in memory). */
export async function saveData(run: StepRun, patch: Partial<EditJobData>): Promise<EditJobData> {
  const next = { ...run.job.data, ...patch };
  for (const key of Object.keys(patch) as (keyof EditJobData)[]) {
    if (patch[key] === undefined) delete next[key];
  }
  await run.job.updateData(next);
  return next;
}
