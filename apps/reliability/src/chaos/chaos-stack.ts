import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { closeAll, closeOnce } from '@darkroom/core';
import type { Emulator, FaultConfig } from '@darkroom/emulator';
import type { EditQueue } from '@darkroom/jobs';
import type { StorageRegistry } from '@darkroom/storage';
import { uniqueName, type RedisServer } from '@darkroom/testing';
import { startStack, type StackFixture } from '@darkroom/testing/stack';
import { startTokenRecorder, type TokenRecorder } from '../secrets/token-recorder';
import { CHAOS_CLIENT, DRAIN_TIMEOUT_MS, type ChaosSettings } from './chaos-settings';

/** Everything a chaos run drives and reads back. */
export interface ChaosStack {
  redis: RedisServer;
  s3Endpoint: string;
  emulator: Emulator;
  storage: StorageRegistry;
  edits: EditQueue;
  /** IMS behind a proxy that records every access token it issues. */
  ims: TokenRecorder;
  /** The faults of the whole run; throttle bursts come on top of them. */
  baseFaults: FaultConfig;
  /** Completion events per job id, as the queue's own event stream reports them. */
  completedEvents: Map<string, number>;
  /** The one input every job renders. */
  input: string;
  outBucket: string;
  /** The worker processes' environment. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The workers' timeout per API call; a slow accept holds its reply longer than this. */
const API_TIMEOUT_MS = 5_000;

/**
 * The run's faults. Besides 5xx and latency before a job exists, submits meet the faults Adobe's
 * gateway has after accepting a job: 2 % answered 502/504, 1 % reset, 1 % answered after the
 * client gave up. The job runs and writes its outputs in all of them.
 */
function baseFaults(seed: number): FaultConfig {
  return {
    seed,
    submit: {
      errorRate: 0.05,
      latencyMs: 40,
      latencyRate: 0.1,
      errorAfterAcceptRate: 0.02,
      dropAfterAcceptRate: 0.01,
      acceptLatencyMs: API_TIMEOUT_MS + 1_000,
      acceptLatencyRate: 0.01,
    },
    status: { errorRate: 0.05, latencyMs: 40, latencyRate: 0.1 },
    jobFailureRate: 0.01,
  };
}

/** Counts the queue's completion events per job: a job completes once in BullMQ's eyes. */
async function countCompletions(redisUrl: string, queueName: string) {
  const completedEvents = new Map<string, number>();
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const events = new QueueEvents(queueName, { connection, prefix: '{darkroom}' });
  events.on('error', () => undefined);
  events.on('completed', ({ jobId }) => {
    completedEvents.set(jobId, (completedEvents.get(jobId) ?? 0) + 1);
  });
  const close = async (): Promise<void> => {
    await events.close();
    connection.disconnect();
  };
  try {
    await events.waitUntilReady();
  } catch (err) {
    await close();
    throw err;
  }
  return { completedEvents, close };
}

async function uploadInput(storage: StorageRegistry, bucket: string): Promise<string> {
  const image = await sharp({
    create: { width: 96, height: 64, channels: 3, background: { r: 180, g: 110, b: 40 } },
  })
    .jpeg()
    .toBuffer();
  const input = `s3://${bucket}/chaos/input.jpg`;
  await storage.upload(input, image, 'image/jpeg');
  return input;
}

/** The stack fixture for chaos: a private Redis with AOF (it gets restarted) and seeded faults. */
function startFixture(settings: ChaosSettings, faults: FaultConfig): Promise<StackFixture> {
  return startStack({
    redis: { server: { args: ['--appendonly', 'yes', '--appendfsync', 'everysec'] } },
    timeFactor: settings.timeFactor,
    faults,
    client: CHAOS_CLIENT,
    // 2–20 s at 0.01: remote jobs take 20–200 ms.
    emulator: {
      limits: false,
      seed: settings.seed,
      durations: { simple: { minMs: 2_000, maxMs: 20_000 } },
    },
    queue: { queueName: uniqueName('chaos'), backoffMs: 50 },
    env: {
      WORKER_CONCURRENCY: String(settings.concurrency),
      WORKER_DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS),
      WORKER_LOCK_DURATION_MS: String(settings.lockDurationMs),
      API_TIMEOUT_MS: String(API_TIMEOUT_MS),
      LOG_LEVEL: 'info',
    },
  });
}

/** Starts the stack, the token recorder and the completion counter, and uploads the input. */
export async function startChaosStack(settings: ChaosSettings): Promise<ChaosStack> {
  const faults = baseFaults(settings.seed);
  const stack = await startFixture(settings, faults);
  const cleanups = [() => stack.close()];
  const close = closeOnce(() => closeAll(cleanups.reverse()));
  try {
    const emulator = stack.emulator!;
    const ims = await startTokenRecorder(emulator.url);
    cleanups.push(() => ims.close());
    const completions = await countCompletions(stack.redis.url, stack.queueName!);
    cleanups.push(() => completions.close());
    const [, outBucket] = stack.buckets as [string, string];
    return {
      redis: stack.redis.server!,
      s3Endpoint: stack.s3!.endpoint,
      emulator,
      storage: stack.storage,
      edits: stack.edits!,
      ims,
      baseFaults: faults,
      completedEvents: completions.completedEvents,
      input: await uploadInput(stack.storage, stack.buckets[0]!),
      outBucket,
      env: { ...stack.env, ADOBE_IMS_URL: ims.url },
      close,
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
