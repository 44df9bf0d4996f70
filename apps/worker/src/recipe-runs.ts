import { Worker, type Job } from 'bullmq';
import type { CallbackDispatcher } from '@darkroom/callbacks';
import { closeAll } from '@darkroom/core';
import {
  createRunProcessor,
  EditQueue,
  nudgeRun,
  openRunsQueue,
  type EditJobData,
  type RecipeRunData,
  type RedisConnection,
} from '@darkroom/jobs';
import type { Logger, RunMetrics } from '@darkroom/observability';
import { removeUnder, type StorageRegistry } from '@darkroom/storage';
import type { WorkerConfig } from './config';
import { consumerConnections, lockOptions } from './consumer';

/** Runs looked at at once by one worker: each look is a few Redis reads and maybe an enqueue. */
export const RUN_CONCURRENCY = 16;

/**
 * How often a run job may be found stalled (its worker died while it looked) before BullMQ fails
 * it. A run lives as long as its steps and is active many times, so BullMQ's default of one stall
 * in a job's whole life would fail runs that merely met two deploys; a look is idempotent, so
 * looking again is safe. The bound still ends a run that kills every worker that takes it.
 */
export const RUN_MAX_STALLS = 50;

export interface RecipeRunsPart {
  /** Tells a run that one of its steps' edits ended, so it looks again at once. */
  stepEnded(job: Job<EditJobData>): void;
  close(): Promise<void>;
}

/**
 * Recipe runs in this worker: a BullMQ worker on the runs queue running `createRunProcessor`,
 * whose steps go to the edits queue as edits (fair, with the tenants' quotas, as the producer
 * enqueues them), and the wake-up each step's end sends its run.
 */
export function startRecipeRuns(deps: {
  config: Pick<
    WorkerConfig,
    'redis' | 'prefix' | 'queueName' | 'legacyApi' | 'tenants' | 'scratchLifetimeMs'
  > &
    Partial<Pick<WorkerConfig, 'lockDurationMs'>>;
  redis: RedisConnection;
  storage: StorageRegistry;
  /** Where a run's `run.completed` / `run.failed` callback is queued. */
  callbacks: Pick<CallbackDispatcher, 'enqueue'>;
  metrics: RunMetrics;
  logger: Logger;
}): RecipeRunsPart {
  const { config, redis, metrics, logger } = deps;
  const edits = new EditQueue({
    connection: config.redis,
    prefix: config.prefix,
    queueName: config.queueName,
    legacyApi: config.legacyApi,
    fair: true,
    tenants: config.tenants,
  });
  const runs = openRunsQueue(redis, config.prefix, config.queueName);
  const connections = consumerConnections(config.redis);
  const worker = new Worker(
    runs.name,
    createRunProcessor({
      edits,
      runs,
      redis,
      removeUnder: (folder) => removeUnder(deps.storage, folder),
      callbacks: deps.callbacks,
      scratchLifetimeMs: config.scratchLifetimeMs,
      onRunEnd: (run: Job<RecipeRunData>, outcome, failure) => {
        metrics.runEnded(outcome, (Date.now() - run.data.enqueuedAt) / 1000, failure?.reason);
        const line = { run: run.id, recipe: run.data.recipe, outcome, ...failure };
        if (outcome === 'failed') logger.warn(line, 'recipe run failed');
        else logger.info(line, 'recipe run completed');
      },
    }),
    {
      connection: connections.next(),
      prefix: config.prefix,
      concurrency: RUN_CONCURRENCY,
      maxStalledCount: RUN_MAX_STALLS,
      ...lockOptions(config.lockDurationMs),
    },
  );
  worker.on('error', (err) => logger.error({ err: err.message }, 'recipe runs worker error'));
  return {
    stepEnded: (job) => {
      const run = job.data.run;
      if (!run) return;
      if (job.finishedOn && job.returnvalue) {
        metrics.stepCompleted(
          job.data.request.operation,
          (job.finishedOn - job.data.enqueuedAt) / 1000,
        );
      }
      nudgeRun(runs, redis, run.id).catch((err: unknown) =>
        logger.warn({ run: run.id, err: String(err) }, 'recipe run could not be woken'),
      );
    },
    close: () =>
      closeAll([
        () => worker.close(),
        () => runs.close(),
        () => edits.close(),
        () => connections.release(),
      ]),
  };
}
