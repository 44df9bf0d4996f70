import { closeAll, closeOnce } from '@darkroom/core';
import type { Registry } from 'prom-client';
import { createLogger, type Logger } from '@darkroom/observability';
import { StorageRegistry } from '@darkroom/storage';
import { Cleanups } from './cleanups';
import { legacyApiWarning } from '@darkroom/photoshop';
import type { WorkerConfig } from './config';
import { startConsumer } from './consumer';
import { drainConsumer } from './drain';
import { startHealthServer } from './health-server';
import { createWorkerMetrics } from './metrics-observer';
import { createRateBudget, refreshEffectiveRates } from './rate-budget';
import { createReadiness, type Readiness } from './readiness';
import { closeRedis, connectRedis } from './redis-startup';
import { startEditPath } from './edit-path';
import { startRecipeRuns } from './recipe-runs';
import { storagePort } from './storage-adapter';
import { startWatchdog, waitingBacklog } from './watchdog';

export interface DarkroomWorker {
  /** The port of the health and metrics server (useful with port 0). */
  port: number;
  register: Registry;
  logger: Logger;
  /** Readiness as /readyz reports it. */
  readiness(): Promise<Readiness>;
  /** Stops taking jobs, lets in-flight calls finish (up to the drain deadline) and releases everything. */
  close(): Promise<void>;
}

export interface CreateWorkerDeps {
  /** Where log lines go (tests capture them); default stdout. */
  logDestination?: NodeJS.WritableStream;
}

/**
 * Wires one worker process: the BullMQ consumer running Darkroom's step machine, the shared rate
 * budget, API clients per account, storage presigners, metrics, health endpoints and the
 * consumer watchdog. Each part lives in its own module; this function only connects them and
 * fixes the order in which they start and are released.
 */
export async function createWorker(
  config: WorkerConfig,
  deps: CreateWorkerDeps = {},
): Promise<DarkroomWorker> {
  const logger = createLogger({
    level: config.logLevel,
    name: 'darkroom-worker',
    ...(deps.logDestination ? { destination: deps.logDestination } : {}),
  });
  const metrics = createWorkerMetrics();
  const cleanups = new Cleanups();

  const redis = await connectRedis(config, logger);
  cleanups.add(() => closeRedis(redis));
  const storage = new StorageRegistry(config.storage);
  cleanups.add(() => storage.close());
  const budget = createRateBudget(redis, config);
  const { processor, queue, callbacks } = startEditPath({
    config,
    redis,
    storage: storagePort(storage),
    budget,
    metrics,
    logger,
    cleanups,
  });

  const runs = startRecipeRuns({
    config,
    redis,
    storage,
    callbacks: callbacks.dispatcher,
    metrics: metrics.runs,
    logger,
  });
  cleanups.add(() => runs.close());

  metrics.pipeline.setConcurrency(config.concurrency);
  const consumer = startConsumer({
    config,
    processor,
    pipeline: metrics.pipeline,
    logger,
    onStalledOut: (job, err) => callbacks.stalledOut(job, err),
    onJobSettled: (job) => runs.stepEnded(job),
  });
  cleanups.add(() => consumer.release());
  const watchdog = startWatchdog({
    backlog: () => waitingBacklog(queue),
    consumer,
    concurrency: config.concurrency,
    wedgeAfterMs: config.wedgeAfterMs,
    logger,
  });
  let stopping = false;
  const readiness = createReadiness({ redis, consumer, watchdog, stopping: () => stopping });

  const health = await startHealthServer({
    host: config.host,
    port: config.port,
    register: metrics.register,
    live: () => true,
    ready: readiness,
    beforeMetrics: () => refreshEffectiveRates(budget, config.accounts, metrics.budget),
  });
  const started = { port: health.port, queue: config.queueName, concurrency: config.concurrency };
  logger.info({ ...started, accounts: Object.keys(config.accounts) }, 'worker started');
  if (config.legacyApi === 'allow') logger.warn(legacyApiWarning());

  const close = closeOnce(() =>
    closeAll([
      () => {
        stopping = true;
        watchdog.stop();
      },
      () => drainConsumer(consumer, config.drainTimeoutMs, logger),
      () => health.close(),
      () => cleanups.run(),
    ]).then(() => logger.info('worker stopped')),
  );

  return { port: health.port, register: metrics.register, logger, readiness, close };
}
