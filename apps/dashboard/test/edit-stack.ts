import { closeAll, closeOnce } from '@darkroom/core';
import {
  accountSchema,
  adobeDefaultPolicies,
  createStepMachine,
  DurationEstimator,
  PollSchedule,
  RateBudget,
  scalePolicies,
  type EditJobData,
  type EditJobResult,
  type StoragePort,
} from '@darkroom/jobs';
import { createAccountClient } from '@darkroom/photoshop';
import { redisUrl, uniqueName } from '@darkroom/testing';
import { startStack, type StackFixture } from '@darkroom/testing/stack';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

/** A prefix of its own, so the rate budget and duration estimates of this stack share nothing. */
export const EDITS_PREFIX = '{darkroom-dashboard-edits}';
/** The emulator's clock and the budget's windows run this many times faster than Adobe's. */
const TIME_FACTOR = 0.001;
const CLIENT = { clientId: 'dashboard-edits', clientSecret: 'dashboard-edits-secret-value' };

export interface EditStack {
  stack: StackFixture;
  queueName: string;
  /** The references of the stack's input and output buckets. */
  inRef(name: string): string;
  outRef(name: string): string;
  close(): Promise<void>;
}

/** Deletes every key under `pattern` (the budget's and the estimator's, which obliterate leaves). */
async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * Real edits for the dashboard to show: Redis, s3rver, the emulator over HTTP and a BullMQ Worker
 * running Darkroom's step machine (as the worker wires it: the account's client, the shared rate
 * budget, the duration estimator) on the stack's queue.
 */
export async function startEditStack(): Promise<EditStack> {
  const queueName = uniqueName('dashboard-edits');
  const stack = await startStack({
    redis: { url: redisUrl() },
    emulator: { limits: false },
    timeFactor: TIME_FACTOR,
    client: CLIENT,
    queue: { queueName, prefix: EDITS_PREFIX },
  });
  const redis = new Redis(stack.redis.url, { maxRetriesPerRequest: null });
  const emulatorUrl = stack.emulator?.url ?? '';
  const { client } = createAccountClient(
    accountSchema.parse({
      ...CLIENT,
      imsUrl: emulatorUrl,
      v1BaseUrl: emulatorUrl,
      v2BaseUrl: emulatorUrl,
    }),
    { retry: { retries: 0 } },
  );
  const storage: StoragePort = {
    presignRead: (ref, ttl) => stack.storage.presignRead(ref, ttl),
    presignWrite: (ref, ttl, opts) => stack.storage.presignWrite(ref, ttl, opts),
    stat: (ref) => stack.storage.stat(ref),
    upload: (ref, body, contentType) => stack.storage.upload(ref, body, contentType),
  };
  const namespace = `${EDITS_PREFIX}:${queueName}`;
  const processor = createStepMachine({
    redis,
    prefix: EDITS_PREFIX,
    queueName,
    storage,
    api: () => client,
    budget: new RateBudget({
      redis,
      prefix: `${namespace}:budget`,
      policies: scalePolicies(adobeDefaultPolicies(), TIME_FACTOR),
    }),
    estimator: new DurationEstimator({ redis, prefix: namespace }),
    schedule: new PollSchedule(),
    // Runs at the emulator's pace take milliseconds: the first poll comes at the schedule's least.
    defaultEstimate: () => ({ meanMs: 1, deviationMs: 0 }),
    retryBaseMs: 50,
  });
  const worker = new Worker<EditJobData, EditJobResult>(queueName, processor, {
    connection: { url: stack.redis.url, maxRetriesPerRequest: null },
    prefix: EDITS_PREFIX,
    concurrency: 4,
  });
  const [inBucket, outBucket] = stack.buckets as [string, string];
  return {
    stack,
    queueName,
    inRef: (name) => `s3://${inBucket}/${name}`,
    outRef: (name) => `s3://${outBucket}/${name}`,
    close: closeOnce(() =>
      closeAll([
        () => worker.close(),
        () => stack.close(),
        () => deleteKeys(redis, `${namespace}:*`),
        () => redis.quit(),
      ]),
    ),
  };
}
