import { cancelKey } from '../cancellation';
import { saveData, type StepContext, type StepRun } from './step-context';

/**
 * A failed edit picked up again was retried: by `darkroom retry`, the API, or Bull Board's Retry
 * (which only moves the job back to waiting). All of them mean the same thing: a fresh, counted
 * submission. The old run's id is kept, its counters reset, the request to cancel dropped, and
 * the deadline moved out by the edit's own span so the new round has the time the first had.
 */
export async function startNewRound(ctx: StepContext, run: StepRun): Promise<void> {
  const { options } = ctx;
  const data = run.job.data;
  await options.redis.del(cancelKey(options.prefix, options.queueName, String(run.job.id)));
  const span = Math.max(0, data.deadlineAt - data.enqueuedAt);
  await saveData(run, {
    endedAt: undefined,
    step: 'submit',
    statusUrl: undefined,
    remoteJobId: undefined,
    submittedAt: undefined,
    submitIntent: undefined,
    roundSubmits: 0,
    polls: 0,
    reconcileChecks: undefined,
    statusErrors: undefined,
    setupErrors: undefined,
    unknownStatuses: undefined,
    rateLimited: undefined,
    retries: (data.retries ?? 0) + 1,
    deadlineAt: Math.max(data.deadlineAt, Date.now() + span),
    earlierRemoteJobIds: [
      ...(data.earlierRemoteJobIds ?? []),
      ...(data.remoteJobId ? [data.remoteJobId] : []),
    ],
  });
}
