import { UnrecoverableError } from 'bullmq';
import type { EditQueue } from '@darkroom/jobs';
import { startRunWorkers as startWorkers } from '@darkroom/jobs/testing';
import { fakeResult } from './api-harness';

/**
 * Real BullMQ workers that carry runs through, as the worker app does (`@darkroom/jobs/testing`):
 * each step's edit completes with a fake result, or fails with `remote_failed` while
 * `failing(step)` says so. `edits` must be an `EditQueue` without fair dispatch, so steps wait
 * where the edit worker takes them. Nothing is written to storage.
 */
export function startRunWorkers(
  edits: EditQueue,
  failing: (step: string) => boolean = () => false,
): { close: () => Promise<void> } {
  return startWorkers(edits, (job) => {
    const step = job.data.run?.step ?? '';
    if (failing(step)) {
      return Promise.reject(new UnrecoverableError(`remote_failed: step ${step} failed`));
    }
    return Promise.resolve(fakeResult(job.data.request.outputs[0]?.ref ?? ''));
  });
}
