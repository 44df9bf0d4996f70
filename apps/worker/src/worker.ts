import { closeAll, closeOnce } from '@darkroom/core';
import { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import {
  queueSnapshot,
  type EditJobData,
  type EditJobResult,
  type RedisConnection,
} from '@darkroom/jobs';
import { createLogger, QueueMetrics, type Logger } from '@darkroom/observability';
import { StorageRegistry } from '@darkroom/storage';
import { Cleanups } from './cleanups';
import { legacyApiWarning } from '@darkroom/photoshop';
import type { WorkerConfig } from './config';
import { startConsumer } from './consumer';
import { drainConsumer } from './drain';
import { startHealthServer } from './health-server';
import { apiRequestRecorder, createMetricsObserver, createWorkerMetrics } from './metrics-observer';
import { createRateBudget, refreshEffectiveRates } from './rate-budget';
import { createReadiness, type Readiness } from './readiness';
import { closeRedis, connectRedis } from './redis-startup';
import { startEventsJournal } from './events-journal';
import { createStepProcessor } from './step-processor';
import { startEditCallbacks } from './callbacks';
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
  const callbacks = startEditCallbacks({ config, redis, pipeline: metrics.pipeline, logger });
  cleanups.add(() => callbacks.close());
  const processor = callbacks.wrap(
    createStepProcessor({
      config,
      redis,
      storage: storagePort(storage),
      budget,
      observer: createMetricsObserver(metrics, logger),
      onRequest: apiRequestRecorder(metrics.api),
    }),
  );
  const queue = openQueue(redis, config, metrics.register);
  cleanups.add(() => queue.close());
  const journal = config.events && config.events.journal;
  if (journal) {
    const reader = startEventsJournal({ config, journal, redis, queue, logger, ...metrics });
    cleanups.add(() => reader.stop());
  }

  metrics.pipeline.setConcurrency(config.concurrency);
  const consumer = startConsumer({
    config,
    processor,
    pipeline: metrics.pipeline,
    logger,
    onStalledOut: (job, err) => callbacks.stalledOut(job, err),
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

/**
 * The worker's handle on the edits queue, for the watchdog's backlog and the queue gauges read on
 * scrape. Its errors are dropped: the consumer logs Redis errors, and the gauges count failed reads.
 */
function openQueue(
  redis: RedisConnection,
  config: Pick<WorkerConfig, 'queueName' | 'prefix'>,
  register: Registry,
): Queue<EditJobData, EditJobResult> {
  const queue = new Queue<EditJobData, EditJobResult>(config.queueName, {
    connection: redis,
    prefix: config.prefix,
  });
  queue.on('error', () => undefined);
  new QueueMetrics({ register, collect: async () => [await queueSnapshot(queue, redis)] });
  return queue;
}
