import { Worker, type Job } from 'bullmq';
import type { CallbackDispatcher } from '@darkroom/callbacks';
import { closeAll, closeOnce } from '@darkroom/core';
import { redisUrl } from '@darkroom/testing';
import type { EditQueue } from '../../src/edit-queue';
import type { EditJobData } from '../../src/job-data';
import { createWorkerConnection } from '../../src/redis-connection';
import { createRunProcessor, nudgeRun } from '../../src/runs/run-processor';
import { openRunsQueue } from '../../src/runs/runs-queue';

/** What stands in for Adobe in a test: given a step's edit, its result, or a throw that fails it. */
export type StepProcess = (job: Job<EditJobData>, token?: string) => Promise<unknown>;

/** Completes every edit, each output one byte. */
export const completeEveryStep: StepProcess = (job) =>
  Promise.resolve({ outputs: job.data.request.outputs.map((o) => ({ ref: o.ref, size: 1 })) });

/**
 * A real BullMQ worker on the edits queue running `process`, which wakes each ended step's run
 * (`nudgeRun`) as the worker app does. `url`: another Redis than the tests' own.
 */
export function startStepWorker(
  edits: EditQueue,
  process: StepProcess = completeEveryStep,
  options: {
    url?: string;
    concurrency?: number;
    /** BullMQ's lock duration and stall check interval, ms (short ones find a kill fast). */
    lockDuration?: number;
    stalledInterval?: number;
  } = {},
): { close: () => Promise<void>; kill: () => Promise<void> } {
  const connection = createWorkerConnection(options.url ?? redisUrl());
  const runs = openRunsQueue(connection, edits.prefix, edits.queueName);
  const worker = new Worker<EditJobData>(edits.queueName, process, {
    connection,
    prefix: edits.prefix,
    concurrency: options.concurrency ?? 4,
    ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
    ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
  });
  const wake = (job: Job<EditJobData> | undefined): void => {
    if (job?.data.run) void nudgeRun(runs, connection, job.data.run.id).catch(() => undefined);
  };
  worker.on('completed', wake);
  worker.on('failed', wake);
  worker.on('error', () => undefined);
  return {
    close: closeOnce(() =>
      closeAll([() => worker.close(), () => runs.close(), () => connection.disconnect()]),
    ),
    // As a SIGKILL leaves it: the jobs it holds stay active until their locks expire.
    kill: closeOnce(() =>
      closeAll([() => worker.close(true), () => runs.close(), () => connection.disconnect()]),
    ),
  };
}

/**
 * A real BullMQ worker on the runs queue running `createRunProcessor` over `edits`, with a long
 * recheck, so that only a step's end wakes a run in time for a test.
 */
export function startRunWorker(
  edits: EditQueue,
  options: {
    url?: string;
    removeUnder?: (folder: string) => Promise<number>;
    scratchLifetimeMs?: number;
    stalledStepResumes?: number;
    callbacks?: Pick<CallbackDispatcher, 'enqueue'>;
  } = {},
): { close: () => Promise<void> } {
  const connection = createWorkerConnection(options.url ?? redisUrl());
  const runs = openRunsQueue(connection, edits.prefix, edits.queueName);
  const worker = new Worker(
    runs.name,
    createRunProcessor({
      edits,
      runs,
      redis: connection,
      removeUnder: options.removeUnder ?? (() => Promise.resolve(0)),
      recheckMs: 600_000,
      ...(options.scratchLifetimeMs !== undefined
        ? { scratchLifetimeMs: options.scratchLifetimeMs }
        : {}),
      ...(options.stalledStepResumes !== undefined
        ? { stalledStepResumes: options.stalledStepResumes }
        : {}),
      ...(options.callbacks ? { callbacks: options.callbacks } : {}),
    }),
    { connection, prefix: edits.prefix, concurrency: 4 },
  );
  worker.on('error', () => undefined);
  return {
    close: closeOnce(() =>
      closeAll([() => worker.close(), () => runs.close(), () => connection.disconnect()]),
    ),
  };
}

/** Both workers: a run goes from enqueue to its end with `process` standing in for Adobe. */
export function startRunWorkers(
  edits: EditQueue,
  process: StepProcess = completeEveryStep,
): { close: () => Promise<void> } {
  const steps = startStepWorker(edits, process);
  const runs = startRunWorker(edits);
  return {
    close: closeOnce(() =>
      closeAll([() => steps.close(), () => runs.close()], { concurrent: true }),
    ),
  };
}
