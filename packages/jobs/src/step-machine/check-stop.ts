import { cancelKey } from '../cancellation';
import { failJob } from './fail-job';
import type { StepContext, StepRun } from './step-context';

/**
 * Fails the job before any step runs if a user asked to cancel it, or if its deadline passed
 * before any POST was sent. A job whose POST has left is not cut short by its deadline: Adobe
 * runs it and writes the outputs anyway, so it is polled (or reconciled) to the end. A job that
 * never got to submit because the budget kept it waiting says so in its reason.
 */
export async function checkStop(ctx: StepContext, run: StepRun): Promise<void> {
  const { options } = ctx;
  const { job } = run;
  const id = String(job.id);
  if ((await options.redis.exists(cancelKey(options.prefix, options.queueName, id))) === 1) {
    await failJob(ctx, job, 'cancelled', 'cancelled on request');
  }
  const data = job.data;
  if (data.step !== 'submit' || data.submitIntent || Date.now() <= data.deadlineAt) return;
  await failJob(
    ctx,
    job,
    (data.submits ?? 0) === 0 && data.rateLimited ? 'rate_limited_too_long' : 'deadline_exceeded',
    `deadline ${new Date(data.deadlineAt).toISOString()} passed before submission`,
  );
}
