import type { Job } from 'bullmq';
import { cancelKey } from '../cancellation';
import type { EditJobData } from '../job-data';
import { failJob } from './fail-job';
import type { StepContext } from './step-context';

/**
 * Fails the job before any step runs if a user asked to cancel it or its deadline has passed.
 * A job that never got to submit because the budget kept it waiting says so in its reason.
 */
export async function checkStop(ctx: StepContext, job: Job<EditJobData>): Promise<void> {
  const { options } = ctx;
  const id = String(job.id);
  if ((await options.redis.exists(cancelKey(options.prefix, options.queueName, id))) === 1) {
    failJob(ctx, job, 'cancelled', 'cancelled on request');
  }
  if (Date.now() > job.data.deadlineAt) {
    const neverSubmitted = job.data.step === 'submit' && (job.data.submits ?? 0) === 0;
    failJob(
      ctx,
      job,
      neverSubmitted && job.data.rateLimited ? 'rate_limited_too_long' : 'deadline_exceeded',
      `deadline ${new Date(job.data.deadlineAt).toISOString()} passed ${job.data.step === 'poll' ? `after ${job.data.polls ?? 0} polls` : 'before submission'}`,
    );
  }
}
