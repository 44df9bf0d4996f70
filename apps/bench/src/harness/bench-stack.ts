import { closeAll, closeOnce } from '@darkroom/core';
import type { Emulator, EmulatorOptions } from '@darkroom/emulator';
import { EditQueue, FairKeys } from '@darkroom/jobs';
import { uniqueName, type RedisServer } from '@darkroom/testing';
import { startStack, type StackFixture } from '@darkroom/testing/stack';
import { Redis } from 'ioredis';
import { startObjectSink, type ObjectSink } from './object-sink';
import { startWorkerFleet, type WorkerFleet } from './worker-fleet';

export const BENCH_CLIENT = { clientId: 'darkroom-bench', clientSecret: 'bench-secret-value' };
export const IN_BUCKET = 'bench-in';
export const OUT_BUCKET = 'bench-out';

/** A typical Darkroom job: one PSD in, a JPEG and a PNG out. */
export function renditionJob(tag: string, i: number): Record<string, unknown> {
  return {
    operation: 'renditionCreate',
    input: `s3://${IN_BUCKET}/${tag}/${i}.psd`,
    outputs: [
      { ref: `s3://${OUT_BUCKET}/${tag}/${i}.jpg`, type: 'image/jpeg', width: 1024, quality: 7 },
      { ref: `s3://${OUT_BUCKET}/${tag}/${i}.png`, type: 'image/png', width: 256 },
    ],
  };
}

export interface WorkerSettings {
  concurrency: number;
  /** Rate-budget windows are multiplied by this (tiny = the budget never binds). */
  budgetTimeScale: number;
  /** Expected remote durations are multiplied by this until the estimate learns. */
  expectedDurationScale: number;
  /** More of the worker's environment (events on, an org id). */
  env?: Record<string, string>;
}

/** One scenario's private world: its own redis-server, storage sink and emulator. */
export interface BenchStack {
  redis: RedisServer;
  /** A client for INFO and counts; closed with the stack. */
  client: Redis;
  sink: ObjectSink;
  emulator: Emulator;
  /** The stack's environment: Redis, storage and the emulator's account, as the apps read it. */
  env: Record<string, string>;
  newQueueName(): string;
  /**
   * An EditQueue closed with the stack; `fair` parks new edits in their tenants' lines, `scratch`
   * (a storage prefix) lets it take recipe runs.
   */
  editQueue(queueName: string, options?: { fair?: boolean; scratch?: string }): EditQueue;
  workerEnv(queueName: string, settings: WorkerSettings): Record<string, string>;
  startWorkers(count: number, queueName: string, settings: WorkerSettings): Promise<WorkerFleet>;
  close(): Promise<void>;
}

/**
 * The stack fixture of `@darkroom/testing` with what a measurement needs: a private
 * redis-server, the storage sink instead of s3rver, the emulator skipping image work, queues that
 * keep every finished job, and worker processes started per scenario.
 */
export async function startBenchStack(
  emulatorOptions: EmulatorOptions,
  account: { orgId?: string } = {},
): Promise<BenchStack> {
  const sink = await startObjectSink();
  let stack: StackFixture;
  try {
    stack = await startStack({
      redis: { server: {} },
      storage: { config: sink.storageConfig },
      queue: false,
      timeFactor: emulatorOptions.timeFactor ?? 1,
      client: { ...BENCH_CLIENT, ...account },
      emulator: { processing: 'placeholder', ...emulatorOptions },
      env: { API_TIMEOUT_MS: '30000', LOG_LEVEL: 'info' },
    });
  } catch (err) {
    await sink.close();
    throw err;
  }
  const redis = stack.redis.server!;
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const queues: EditQueue[] = [];
  const fleets: WorkerFleet[] = [];
  const workerEnv = (queueName: string, s: WorkerSettings): Record<string, string> => ({
    ...stack.env,
    DARKROOM_QUEUE: queueName,
    WORKER_CONCURRENCY: String(s.concurrency),
    BUDGET_TIME_SCALE: String(s.budgetTimeScale),
    EXPECTED_DURATION_SCALE: String(s.expectedDurationScale),
    ...s.env,
  });
  return {
    redis,
    client,
    sink,
    emulator: stack.emulator!,
    env: stack.env,
    newQueueName: () => uniqueName('bench'),
    editQueue(queueName, options = {}) {
      // Keep every finished job: results carry the timings the scenarios read back.
      const queue = new EditQueue({
        connection: redis.url,
        queueName,
        fair: options.fair ?? false,
        ...(options.scratch ? { scratch: options.scratch } : {}),
        keepCompleted: { age: 3_600, count: 2_000_000 },
        keepFailed: { age: 3_600, count: 2_000_000 },
      });
      queues.push(queue);
      return queue;
    },
    workerEnv,
    async startWorkers(count, queueName, settings) {
      const fleet = await startWorkerFleet(count, workerEnv(queueName, settings));
      fleets.push(fleet);
      return fleet;
    },
    close: closeOnce(() =>
      closeAll([
        () =>
          closeAll(
            [...fleets, ...queues].map((part) => () => part.close()),
            { concurrent: true },
          ),
        () => client.disconnect(),
        () => stack.close(),
        () => sink.close(),
      ]),
    ),
  };
}

export interface Finished {
  completed: number;
  failed: number;
  /** Epoch ms when the last job was seen finished. */
  at: number;
}

/**
 * Waits until `total` jobs of a BullMQ queue have completed or failed, reading counts every
 * 20 ms (so a makespan carries up to 20 ms of observation error).
 */
export async function waitUntilFinished(
  counts: () => Promise<Record<string, number>>,
  total: number,
  timeoutMs: number,
): Promise<Finished> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await counts();
    const completed = c.completed ?? 0;
    const failed = c.failed ?? 0;
    if (completed + failed >= total) return { completed, failed, at: Date.now() };
    if (Date.now() > deadline) {
      throw new Error(`only ${completed + failed} of ${total} jobs finished in ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Removes a queue and everything fair dispatch keeps beside it (`<prefix>:<queue>:fair:*`: the
 * tenants' lines, admissions, virtual times), so a backlog of parked edits leaves nothing behind.
 */
export async function removeEditQueue(client: Redis, edits: EditQueue): Promise<void> {
  await edits.queue.obliterate({ force: true });
  const pattern = `${new FairKeys(edits.prefix, edits.queueName).base}:*`;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Redis server version from INFO. */
export async function redisVersion(client: Redis): Promise<string> {
  const info = await client.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}

export async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}
