import type { StepObserver } from '../../src/step-machine';
import type { CallLog } from './call-log';

/**
 * A `StepObserver` that records every event in `log` under the target `observer`, with the job
 * reduced to its id: the worker hangs metrics and log lines off these events, so tests check
 * which ones fire (a retry reason, a failure reason) without a logger or a metrics registry.
 */
export function recordingObserver(log: CallLog): Required<StepObserver> {
  const idOf = (job: { id?: string | undefined }) => job.id;
  return {
    submitted: (job, info) => log.record('observer', 'submitted', [idOf(job), info]),
    reconciled: (job, outcome) => log.record('observer', 'reconciled', [idOf(job), outcome]),
    polled: (job, info) => log.record('observer', 'polled', [idOf(job), info]),
    budgetWait: (account, cls, waitMs) =>
      log.record('observer', 'budgetWait', [account, cls, waitMs]),
    budgetGranted: (account, cls) => log.record('observer', 'budgetGranted', [account, cls]),
    rateLimited: (account, cls, retryAfterMs) =>
      log.record('observer', 'rateLimited', [account, cls, retryAfterMs]),
    retrying: (job, reason, err) => log.record('observer', 'retrying', [idOf(job), reason, err]),
    completed: (job, result) => log.record('observer', 'completed', [idOf(job), result]),
    failed: (job, reason, message) =>
      log.record('observer', 'failed', [idOf(job), reason, message]),
  };
}
