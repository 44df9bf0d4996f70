import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Registry } from 'prom-client';
import {
  createStepMachine,
  createWorkerConnection,
  workerConnectionOptions,
  isClusterTarget,
  type RedisConnection,
  DurationEstimator,
  PollSchedule,
  queueSnapshot,
  RateBudget,
  adobeDefaultPolicies,
  assertRedisUsable,
  checkRedis,
  scalePolicies,
  smoothPolicies,
  type EditJobData,
  type EditJobResult,
  type StepObserver,
} from '@darkroom/jobs';
import {
  ApiMetrics,
  BudgetMetrics,
  collectProcessMetrics,
  createLogger,
  PipelineMetrics,
  QueueMetrics,
  scopeJobLogger,
  statusClassOf,
  type Logger,
} from '@darkroom/observability';
import { coerceError } from '@darkroom/core';
import {
  createAccountClient,
  durationClasses,
  isDurationClass,
  type PhotoshopClient,
  type RequestEvent,
} from '@darkroom/photoshop';
import { StorageRegistry } from '@darkroom/storage';
import type { WorkerConfig } from './config';
import { startHealthServer } from './health-server';

/** Metrics label budgets by kind of call only (submit or status), keeping series bounded. */
const callClass = (cls: string): 'submit' | 'status' =>
  cls.startsWith('status') ? 'status' : 'submit';

export interface DarkroomWorker {
  /** The port of the health and metrics server (useful with port 0). */
  port: number;
  register: Registry;
  logger: Logger;
  /** Readiness as /readyz reports it. */
  readiness(): Promise<{ ready: boolean; reasons: string[] }>;
  /** Stops taking jobs, lets in-flight calls finish (up to the drain deadline) and releases everything. */
  close(): Promise<void>;
}

export interface CreateWorkerDeps {
  /** Where log lines go (tests capture them); default stdout. */
  logDestination?: NodeJS.WritableStream;
}

/**
 * Wires one worker process: the BullMQ Worker running Darkroom's step machine, the shared rate
 * budget, API clients per account, storage presigners, metrics, health endpoints and the
 * consumer watchdog.
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
  const register = new Registry();
  collectProcessMetrics(register);
  const pipeline = new PipelineMetrics({ register });
  const api = new ApiMetrics({ register });
  const budgetMetrics = new BudgetMetrics({ register });

  const redis: RedisConnection = createWorkerConnection(config.redis);
  const cleanups: (() => Promise<unknown>)[] = [
    async () => redis.quit().catch(() => redis.disconnect()),
  ];
  const runCleanups = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };

  try {
    await redis.ping();
    const findings = await checkRedis(redis, { requireNoeviction: config.requireNoeviction });
    assertRedisUsable(findings);
    for (const finding of findings) {
      if (finding.severity === 'warn') logger.warn({ check: 'redis' }, finding.message);
    }
  } catch (err) {
    await runCleanups();
    throw err;
  }

  const storage = new StorageRegistry(config.storage);
  cleanups.push(() => storage.close());

  const recordRequest = (event: RequestEvent): void => {
    api.request(
      event.endpointClass,
      event.status ? statusClassOf(event.status) : 'error',
      event.durationMs / 1000,
    );
  };
  const clients = new Map<string, PhotoshopClient>();
  for (const [name, account] of Object.entries(config.accounts)) {
    const { client } = createAccountClient(account, {
      timeoutMs: config.apiTimeoutMs,
      onRequest: recordRequest,
    });
    clients.set(name, client);
  }

  const budget = new RateBudget({
    redis,
    // A 429 that slips through is usually arrival jitter at a window edge, not a fleet that is
    // too fast: cut gently and climb back within a few windows rather than halving the rate.
    aimd: { decreaseFactor: 0.8, increasePerWindow: 0.1 },
    prefix: `${config.prefix}:budget`,
    policies: smoothPolicies(
      scalePolicies(
        adobeDefaultPolicies({ headroom: config.budgetHeadroom }),
        config.budgetTimeScale,
      ),
    ),
  });
  const estimator = new DurationEstimator({
    redis,
    prefix: `${config.prefix}:${config.queueName}`,
  });

  const jobLog = (job: Job<EditJobData>) =>
    scopeJobLogger(logger, {
      jobId: String(job.id),
      operation: job.data.request.operation,
      account: job.data.account,
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
      step: job.data.step,
    });

  const observer: StepObserver = {
    submitted: (job, info) => jobLog(job).info({ remoteJobId: info.remoteJobId }, 'submitted'),
    polled: (job, info) => jobLog(job).debug({ remoteState: info.state }, 'polled'),
    budgetGranted: (account, cls) => budgetMetrics.granted(account, callClass(cls)),
    budgetWait: (account, cls, ms) => budgetMetrics.waited(account, callClass(cls), ms / 1000),
    rateLimited: (account, cls, ms) => {
      api.rateLimited(account, callClass(cls), ms / 1000);
      logger.warn(
        { account, class: cls, retryAfterMs: ms },
        'rate limited by Adobe; budget paused',
      );
    },
    retrying: (job, reason, err) => {
      pipeline.retry(reason);
      jobLog(job).warn({ reason, err: coerceError(err).message }, 'attempt failed; will retry');
    },
    completed: (job, result) => {
      const t = result.timings;
      pipeline.jobCompleted(job.data.request.operation, job.data.account, {
        totalSeconds: (t.completedAt - t.enqueuedAt) / 1000,
        queueWaitSeconds: t.queuedMs / 1000,
        remoteSeconds: t.remoteMs / 1000,
        detectionLagSeconds: t.detectionLagMs / 1000,
        polls: result.polls,
      });
      jobLog(job).info(
        { polls: result.polls, remoteMs: t.remoteMs, detectionLagMs: t.detectionLagMs },
        'completed',
      );
    },
    failed: (job, reason, message) => {
      pipeline.jobFailed(job.data.request.operation, job.data.account, reason);
      jobLog(job).warn({ reason }, `failed: ${message}`);
    },
  };

  const processor = createStepMachine({
    redis,
    prefix: config.prefix,
    queueName: config.queueName,
    storage: {
      presignRead: (ref, ttl) => storage.presignRead(ref, ttl),
      presignWrite: (ref, ttl, opts) => storage.presignWrite(ref, ttl, opts),
      stat: (ref) => storage.stat(ref),
      upload: (ref, body, contentType) => storage.upload(ref, body, contentType),
    },
    api: (account) => {
      const client = clients.get(account);
      if (!client) throw new Error(`account '${account}' is not configured on this worker`);
      return client;
    },
    budget,
    estimator,
    schedule: new PollSchedule(),
    defaultEstimate: (cls) => {
      // Expected remote durations before any job of an operation has finished: the catalog's.
      const base = (isDurationClass(cls) ? durationClasses[cls] : durationClasses.simple).expected;
      return {
        meanMs: base.meanMs * config.expectedDurationScale,
        deviationMs: base.deviationMs * config.expectedDurationScale,
      };
    },
    observer,
  });

  const queue = new Queue<EditJobData, EditJobResult>(config.queueName, {
    connection: redis,
    prefix: config.prefix,
  });
  queue.on('error', () => undefined);
  cleanups.push(() => queue.close());
  new QueueMetrics({ register, collect: async () => [await queueSnapshot(queue, redis)] });
  pipeline.setConcurrency(config.concurrency);

  let lastPickup = Date.now();
  let active = 0;
  let stopping = false;

  // For one Redis, options: BullMQ then owns the connection and closes it with the consumer.
  // A cluster client must be handed over as an instance, which BullMQ leaves open: those are
  // kept here and closed with the worker.
  const clusterClients: RedisConnection[] = [];
  cleanups.push(() => {
    for (const client of clusterClients) client.disconnect();
    return Promise.resolve();
  });
  const consumerConnection = (): ConnectionOptions => {
    if (!isClusterTarget(config.redis))
      return workerConnectionOptions(config.redis) as ConnectionOptions;
    const client = createWorkerConnection(config.redis);
    clusterClients.push(client);
    return client;
  };

  const startConsumer = (): Worker<EditJobData, EditJobResult> => {
    const worker = new Worker<EditJobData, EditJobResult>(config.queueName, processor, {
      connection: consumerConnection(),
      prefix: config.prefix,
      concurrency: config.concurrency,
      autorun: true,
    });
    worker.on('active', () => {
      lastPickup = Date.now();
      active += 1;
      pipeline.setActive(active);
    });
    const settled = (): void => {
      active = Math.max(0, active - 1);
      pipeline.setActive(active);
    };
    worker.on('completed', settled);
    worker.on('failed', (job, err) => {
      settled();
      // BullMQ's own failure of a job that stalled too often; the step machine counts the rest.
      if (job && /stalled more than allowable limit/.test(err.message)) {
        pipeline.jobFailed(job.data.request.operation, job.data.account, 'stalled');
      }
    });
    worker.on('stalled', () => pipeline.stalled(config.queueName));
    worker.on('error', (err) => logger.error({ err: err.message }, 'worker error'));
    return worker;
  };
  let consumer = startConsumer();

  // The watchdog: jobs wait, slots are free, yet nothing was picked up for a while. That is the
  // silent consumer reported against BullMQ after Redis outages; replace the consumer in-process.
  let wedged = false;
  const watchdog = setInterval(
    () => {
      void (async () => {
        try {
          const counts = await queue.getJobCounts('waiting', 'prioritized');
          const backlog = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
          wedged =
            backlog > 0 &&
            active < config.concurrency &&
            Date.now() - lastPickup > config.wedgeAfterMs;
          if (wedged && !stopping) {
            logger.error(
              { backlog, idleMs: Date.now() - lastPickup },
              'consumer took no job while jobs wait; restarting it',
            );
            const old = consumer;
            consumer = startConsumer();
            lastPickup = Date.now();
            await old.close(true).catch(() => undefined);
          }
        } catch {
          // Redis is down: /readyz reports it and the consumer reconnects by itself.
        }
      })();
    },
    Math.min(5_000, config.wedgeAfterMs / 2),
  );
  watchdog.unref();

  const pingWithin = async (ms: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([
        redis.ping().then(
          () => true,
          () => false,
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  };

  const readiness = async (): Promise<{ ready: boolean; reasons: string[] }> => {
    const reasons: string[] = [];
    if (stopping) reasons.push('shutting down');
    if (!(await pingWithin(500))) reasons.push('redis unreachable');
    if (wedged) reasons.push('consumer wedged: jobs wait but none is taken');
    if (!consumer.isRunning()) reasons.push('consumer not running');
    return { ready: reasons.length === 0, reasons };
  };

  const health = await startHealthServer({
    host: config.host,
    port: config.port,
    register,
    live: () => true,
    ready: readiness,
    // The budget's effective rate per account, read on scrape: what AIMD left of Adobe's limits.
    beforeMetrics: async () => {
      for (const account of Object.keys(config.accounts)) {
        for (const cls of ['submit', 'status'] as const) {
          const state = await budget.state(account, cls);
          const perSecond = Math.min(
            ...state.windows.map((w) => w.effectiveLimit / (w.windowMs / 1000)),
          );
          budgetMetrics.setEffectiveRate(account, cls, perSecond);
        }
      }
    },
  });
  logger.info(
    {
      port: health.port,
      queue: config.queueName,
      concurrency: config.concurrency,
      accounts: Object.keys(config.accounts),
    },
    'worker started',
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      stopping = true;
      clearInterval(watchdog);
      // close() waits for active jobs: each is one HTTP call at most, since polling jobs wait as
      // delayed jobs, not in a slot. Past the deadline, abort them: the step machine puts an
      // aborted job back as delayed with its state.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), config.drainTimeoutMs);
      });
      const drained = await Promise.race([
        consumer.close().then(() => 'drained' as const),
        deadline,
      ]);
      clearTimeout(timer);
      if (drained === 'timeout') {
        logger.warn({ active }, 'drain deadline passed; aborting in-flight calls');
        consumer.cancelAllJobs('shutdown');
        await consumer.close(true).catch(() => undefined);
      }
      await health.close();
      await runCleanups();
      logger.info('worker stopped');
    })());

  return { port: health.port, register, logger, readiness, close };
}
