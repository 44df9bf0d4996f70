import type { Job } from 'bullmq';
import type { EditJobData, EditJobResult } from '../job-data';
import { checkStop } from './check-stop';
import { startNewRound } from './new-round';
import { pollStep } from './poll-step';
import type { StepMachineOptions } from './ports';
import { reconcileStep } from './reconcile-step';
import { stepContextOf } from './step-context';
import { submitStep } from './submit-step';

export { submitBudgetClassOf, submitBudgetClassesOf, statusBudgetClassOf } from './budget-classes';
export type { StepMachineOptions, StepObserver, StoragePort, ApiPort, BudgetPort } from './ports';

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
  return async function processEditJob(
    job: Job<EditJobData, EditJobResult>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<EditJobResult> {
    // When this pick-up began; the first one's ends the queue wait (saved with the job).
    const run = { job, token, signal, pickedAt: Date.now() };
    if (job.data.endedAt !== undefined) await startNewRound(ctx, run);
    await checkStop(ctx, run);
    if (job.data.step === 'poll' && job.data.statusUrl) return pollStep(ctx, run);
    if (job.data.step === 'reconcile' || job.data.submitIntent) return reconcileStep(ctx, run);
    return submitStep(ctx, run);
  };
}
