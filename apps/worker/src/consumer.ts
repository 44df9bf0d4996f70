import { Worker, type ConnectionOptions, type Job, type Processor } from 'bullmq';
import {
  createWorkerConnection,
  isClusterTarget,
  workerConnectionOptions,
  type EditJobData,
  type EditJobResult,
  type RedisConnection,
} from '@darkroom/jobs';
import type { Logger, PipelineMetrics } from '@darkroom/observability';
import { bullmqTelemetry } from '@darkroom/tracing';
import type { WorkerConfig } from './config';

/**
 * The part of the worker that takes jobs off the queue: one BullMQ Worker at a time, which the
 * watchdog may replace. Counts survive a replacement, so metrics and readiness see one consumer.
 */
export interface Consumer {
  /**
   * Jobs inside the processor right now, over every BullMQ Worker this consumer has run: one per
   * slot in use. A job handed back as a delayed job between polls has left it and is not counted.
   */
  active(): number;
  /** When a job was last taken, or the consumer last (re)started, in ms since the epoch. */
  lastPickupAt(): number;
  /** Whether the current BullMQ Worker is running its fetch loop. */
  isRunning(): boolean;
  /**
   * Starts a fresh BullMQ Worker and closes the old one without waiting for its jobs: a stuck
   * consumer may never settle them, and the step machine resumes them from their saved step.
   */
  restart(): Promise<void>;
  /** Stops taking jobs and resolves once the jobs in flight have settled. */
  close(): Promise<void>;
  /** Aborts the calls in flight (their jobs go back as delayed jobs) and closes at once. */
  abort(reason: string): Promise<void>;
  /** Closes the Redis connections opened for consumers; call once the consumer is closed. */
  release(): Promise<void>;
}

/** What a consumer needs: where the queue is, the processor, and where to report. */
export interface ConsumerOptions {
  config: Pick<WorkerConfig, 'redis' | 'queueName' | 'prefix' | 'concurrency'> &
    Partial<Pick<WorkerConfig, 'lockDurationMs'>>;
  processor: Processor<EditJobData, EditJobResult>;
  pipeline: Pick<PipelineMetrics, 'setActive' | 'jobFailed' | 'stalled'>;
  logger: Logger;
  /** Told when BullMQ fails a job that stalled too often: the processor never saw that end. */
  onStalledOut?(job: Job<EditJobData>, err: Error): void;
  /** Told after BullMQ recorded a job completed or failed (a failed attempt too). */
  onJobSettled?(job: Job<EditJobData>): void;
}

/**
 * BullMQ's lock duration and stalled-check interval, both `lockDurationMs` (BullMQ's own 30 s
 * each when unset): a killed worker's jobs go on elsewhere within about twice it.
 */
export function lockOptions(lockDurationMs: number | undefined): {
  lockDuration?: number;
  stalledInterval?: number;
} {
  return lockDurationMs === undefined
    ? {}
    : { lockDuration: lockDurationMs, stalledInterval: lockDurationMs };
}

/**
 * Connections for consumers. For one Redis, BullMQ is given options: it then owns the connection
 * and closes it with the consumer. A cluster client must be handed over as an instance, which
 * BullMQ leaves open, so those are kept here and closed by `release`.
 */
export function consumerConnections(target: WorkerConfig['redis']): {
  next(): ConnectionOptions;
  release(): Promise<void>;
} {
  const clusterClients: RedisConnection[] = [];
  return {
    next: () => {
      if (!isClusterTarget(target)) return workerConnectionOptions(target) as ConnectionOptions;
      const client = createWorkerConnection(target);
      clusterClients.push(client);
      return client;
    },
    release: () => {
      for (const client of clusterClients.splice(0)) client.disconnect();
      return Promise.resolve();
    },
  };
}

/**
 * The processor, counted: a job counts from the moment BullMQ hands it to the processor until the
 * processor returns or throws, whichever way its run ends (completed, failed, handed back as a
 * delayed job, aborted, or its lock lost). BullMQ's events cannot give that count: a delayed
 * hand-back emits none, and neither does a job settled while its Worker closes.
 *
 * It takes the abort signal as a third parameter: BullMQ gives a processor a signal only when its
 * arity says it takes one.
 */
function countedProcessor(
  processor: Processor<EditJobData, EditJobResult>,
  count: (change: 1 | -1) => void,
): Processor<EditJobData, EditJobResult> {
  return async (job, token, signal) => {
    count(1);
    try {
      return await processor(job, token, signal);
    } finally {
      count(-1);
    }
  };
}

/** Starts consuming the edits queue at once with the configured concurrency. */
export function startConsumer(options: ConsumerOptions): Consumer {
  const { config, pipeline, logger } = options;
  const connections = consumerConnections(config.redis);
  let active = 0;
  let lastPickup = Date.now();

  const processor = countedProcessor(options.processor, (change) => {
    if (change > 0) lastPickup = Date.now();
    active += change;
    pipeline.setActive(active);
  });
  const start = (): Worker<EditJobData, EditJobResult> => {
    // With tracing on, each pick-up runs inside BullMQ's `process` span, a child of the enqueue's
    // `add`: the step machine's spans join the edit's trace under it. Off: no telemetry at all.
    const telemetry = bullmqTelemetry();
    const worker = new Worker<EditJobData, EditJobResult>(config.queueName, processor, {
      connection: connections.next(),
      prefix: config.prefix,
      concurrency: config.concurrency,
      ...lockOptions(config.lockDurationMs),
      autorun: true,
      ...(telemetry ? { telemetry } : {}),
    });
    worker.on('failed', (job, err) => {
      // BullMQ's own failure of a job that stalled too often; the step machine counts the rest.
      if (job && /stalled more than allowable limit/.test(err.message)) {
        pipeline.jobFailed(job.data.request.operation, job.data.account, 'stalled');
        options.onStalledOut?.(job, err);
      }
    });
    worker.on('completed', (job) => options.onJobSettled?.(job));
    worker.on('failed', (job) => {
      if (job) options.onJobSettled?.(job);
    });
    worker.on('stalled', () => pipeline.stalled(config.queueName));
    worker.on('error', (err) => logger.error({ err: err.message }, 'worker error'));
    return worker;
  };

  let current = start();
  return {
    active: () => active,
    lastPickupAt: () => lastPickup,
    isRunning: () => current.isRunning(),
    restart: async () => {
      const old = current;
      current = start();
      lastPickup = Date.now();
      await old.close(true).catch(() => undefined);
    },
    close: () => current.close(),
    abort: async (reason) => {
      current.cancelAllJobs(reason);
      await current.close(true).catch(() => undefined);
    },
    release: () => connections.release(),
  };
}
