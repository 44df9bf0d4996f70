import { DelayedError, type Job } from 'bullmq';
import type { EditJobData } from '../job-data';
import type { StepMachineOptions, StepObserver } from './ports';

/** The options of one step machine with their defaults filled in, shared by every step. */
export interface StepContext {
  readonly options: StepMachineOptions;
  readonly observer: StepObserver;
  readonly presignMarginMs: number;
  readonly inlineBudgetWaitMs: number;
}

/** One pick-up of a job by the processor: the job, BullMQ's lock token and the abort signal. */
export interface StepRun {
  readonly job: Job<EditJobData>;
  readonly token: string | undefined;
  readonly signal: AbortSignal | undefined;
}

/** Fills in the defaults of `options` once, when the step machine is created. */
export function stepContextOf(options: StepMachineOptions): StepContext {
  return {
    options,
    observer: options.observer ?? {},
    presignMarginMs: options.presignMarginMs ?? 300_000,
    inlineBudgetWaitMs: options.inlineBudgetWaitMs ?? 250,
  };
}

/**
 * Hands the job back to BullMQ as delayed by `ms` and ends this run. Waiting is always a delayed
 * job, never a sleep, so no worker slot is held while Adobe works or a budget refills.
 */
export async function delayJob(run: StepRun, ms: number): Promise<never> {
  await run.job.moveToDelayed(Date.now() + Math.max(0, Math.round(ms)), run.token);
  throw new DelayedError();
}
