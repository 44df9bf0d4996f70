import { Queue, type Processor } from 'bullmq';
import type { Registry } from 'prom-client';
import {
  queueSnapshot,
  type BudgetPort,
  type EditJobData,
  type EditJobResult,
  type RedisConnection,
  type StoragePort,
  type TenantConfig,
  type TenantPolicy,
  type TenantShare,
  TenantUsage,
} from '@darkroom/jobs';
import { QueueMetrics, type Logger } from '@darkroom/observability';
import { startEditCallbacks, type EditCallbacks } from './callbacks';
import type { Cleanups } from './cleanups';
import type { WorkerConfig } from './config';
import { startEventsJournal } from './events-journal';
import { startFairDispatch } from './fair-dispatch';
import { apiRequestRecorder, createMetricsObserver, type WorkerMetrics } from './metrics-observer';
import { createStepProcessor } from './step-processor';

/** What a worker runs edits with: the processor, its queue handle and the callbacks. */
export interface EditPath {
  processor: Processor<EditJobData, EditJobResult>;
  queue: Queue<EditJobData, EditJobResult>;
  callbacks: EditCallbacks;
}

/**
 * The parts around the step machine: signed callbacks, fair dispatch between tenants, Adobe's
 * job events (journal), and the queue handle the watchdog and the gauges read. Each registers
 * its release with `cleanups`.
 */
export function startEditPath(deps: {
  config: WorkerConfig;
  redis: RedisConnection;
  storage: StoragePort;
  budget: BudgetPort;
  metrics: WorkerMetrics;
  logger: Logger;
  cleanups: Cleanups;
}): EditPath {
  const { config, redis, metrics, logger, cleanups } = deps;
  const queue = openQueue(redis, config, metrics.register);
  cleanups.add(() => queue.close());
  const callbacks = startEditCallbacks({ config, redis, pipeline: metrics.pipeline, logger });
  cleanups.add(() => callbacks.close());
  const fair = startFairDispatch({
    config,
    redis,
    queue,
    logger,
    shares: () => tenantShares(config.tenants),
  });
  cleanups.add(() => fair.stop());
  const steps = createStepProcessor({
    config,
    redis,
    storage: deps.storage,
    budget: deps.budget,
    fair: fair.gate,
    observer: createMetricsObserver(metrics, logger, {
      config: config.tenants,
      usage: new TenantUsage({ redis, prefix: config.prefix, queueName: config.queueName }),
    }),
    onRequest: apiRequestRecorder(metrics.api),
    onJournalError: (err, { failedWrites }) =>
      logger.warn(
        { err: err.message, failedWrites },
        'job log lines or progress could not be written',
      ),
  });
  const journal = config.events && config.events.journal;
  if (journal) {
    const reader = startEventsJournal({ config, journal, redis, queue, logger, ...metrics });
    cleanups.add(() => reader.stop());
  }
  return { processor: callbacks.wrap(fair.wrap(steps)), queue, callbacks };
}

/** Each configured tenant's weight and in-flight limit (0: none), and the default's. */
export function tenantShares(config: TenantConfig): {
  defaults: TenantShare;
  tenants: Record<string, TenantShare>;
} {
  const share = (p: TenantPolicy): TenantShare => ({
    weight: p.weight,
    maxInFlight: p.maxInFlight ?? 0,
  });
  const tenants: Record<string, TenantShare> = {};
  for (const [name, policy] of config.named) tenants[name] = share(policy);
  return { defaults: share(config.fallback), tenants };
}

/**
 * The worker's handle on the edits queue, for the watchdog's backlog, the queue gauges read on
 * scrape and the dispatcher's promotions. Its errors are dropped: the consumer logs Redis
 * errors, and the gauges count failed reads.
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
