import type { Job } from 'bullmq';
import type { EditJobData, EditJobResult } from '../job-data';
import { checkStop } from './check-stop';
import { pollStep } from './poll-step';
import type { StepMachineOptions } from './ports';
import { stepContextOf } from './step-context';
import { submitStep } from './submit-step';

export { submitBudgetClassOf, statusBudgetClassOf } from './budget-classes';
export type { StepMachineOptions, StepObserver, StoragePort, ApiPort, BudgetPort } from './ports';

/**
 * The one BullMQ processor of Darkroom: a small state machine whose state lives in `job.data`.
 *
 * - `submit`: budget token → presign → POST → checkpoint the status URL → delay to the first poll.
 * - `poll`: budget token → GET status → running: delay to the next poll; succeeded: verify the
 *   outputs and complete; failed: classify and fail.
 *
 * Waiting between polls is a delayed job, never a sleep, so no worker slot is held while Adobe
 * works. A job picked up again after a crash resumes at its saved step and never submits twice
 * once its status URL is saved.
 */
export function createStepMachine(options: StepMachineOptions) {
  const ctx = stepContextOf(options);
  return async function processEditJob(
    job: Job<EditJobData, EditJobResult>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<EditJobResult> {
    // When the job was first taken (queue wait ends here); saved with the checkpoint.
    const pickedAt = Date.now();
    await checkStop(ctx, job);
    const run = { job, token, signal };
    if (job.data.step === 'poll' && job.data.statusUrl) return pollStep(ctx, run);
    return submitStep(ctx, run, pickedAt);
  };
}
