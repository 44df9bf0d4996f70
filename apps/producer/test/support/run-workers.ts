import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { closeAll, closeOnce } from '@darkroom/core';
import {
  createRunProcessor,
  createWorkerConnection,
  nudgeRun,
  openRunsQueue,
  type EditJobData,
  type EditQueue,
} from '@darkroom/jobs';
import { redisUrl } from '@darkroom/testing';
import { fakeResult } from './api-harness';

/**
 * Real BullMQ workers that carry runs through, as the worker app does: one on the runs queue with
 * `createRunProcessor`, one on the edits queue that completes each step's edit (or fails it with
 * `remote_failed` while `failing(step)` says so) and wakes the step's run when the edit ends.
 * `edits` must be an `EditQueue` without fair dispatch, so steps wait where the edit worker takes
 * them. Nothing is written to storage: the intermediates' clean-up deletes nothing.
 */
export function startRunWorkers(
  edits: EditQueue,
  failing: (step: string) => boolean = () => false,
): { close(): Promise<void> } {
  const connection = createWorkerConnection(redisUrl());
  const runs = openRunsQueue(connection, edits.prefix, edits.queueName);
  const editWorker = new Worker<EditJobData>(
    edits.queueName,
    (job: Job<EditJobData>) => {
      const step = job.data.run?.step ?? '';
      if (failing(step)) {
        return Promise.reject(new UnrecoverableError(`remote_failed: step ${step} failed`));
      }
      return Promise.resolve(fakeResult(job.data.request.outputs[0]?.ref ?? ''));
    },
    { connection, prefix: edits.prefix, concurrency: 4 },
  );
  const wake = (job: Job<EditJobData> | undefined): void => {
    if (job?.data.run) void nudgeRun(runs, connection, job.data.run.id).catch(() => undefined);
  };
  editWorker.on('completed', wake);
  editWorker.on('failed', wake);
  editWorker.on('error', () => undefined);
  const runWorker = new Worker(
    runs.name,
    createRunProcessor({
      edits,
      runs,
      redis: connection,
      removeUnder: () => Promise.resolve(0),
      // Long: only a step's end wakes a run in time for a test.
      recheckMs: 600_000,
    }),
    { connection, prefix: edits.prefix, concurrency: 4 },
  );
  runWorker.on('error', () => undefined);
  return {
    close: closeOnce(() =>
      closeAll([
        () => closeAll([() => editWorker.close(), () => runWorker.close()], { concurrent: true }),
        () => runs.close(),
        () => connection.disconnect(),
      ]),
    ),
  };
}
