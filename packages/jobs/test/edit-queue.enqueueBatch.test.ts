import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { CallbackDispatcher, deliveryIdFor } from '@darkroom/callbacks';
import { guardAgainstLeaks, redisClient, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import {
  BatchStore,
  EditJobValidationError,
  EditQueue,
  createWorkerConnection,
  newBatchId,
  type EditJobData,
  type EditJobResult,
} from '../src';

guardAgainstLeaks();

const rendition = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  operation: 'renditionCreate',
  input: `s3://darkroom-in/batch/${name}.psd`,
  outputs: [{ ref: `s3://darkroom-out/batch/${name}.jpg`, type: 'image/jpeg' }],
  ...extra,
});

describe('EditQueue.enqueueBatch and getBatch (real Redis)', () => {
  let redis: Redis;
  const queues: EditQueue[] = [];
  const open = (options: { fair?: boolean; callbackAllow?: string[] } = {}) => {
    const edits = new EditQueue({
      connection: redisUrl(),
      queueName: uniqueName('batch-edits'),
      ...options,
    });
    queues.push(edits);
    return edits;
  };
  beforeEach(() => {
    redis = redisClient();
  });
  afterEach(async () => {
    for (const edits of queues.splice(0)) {
      const left = await redis.keys(`${edits.prefix}:${edits.queueName}:*`);
      if (left.length > 0) await redis.del(...left);
      await edits.close();
    }
    redis.disconnect();
  });

  it('names the batch, makes the edits it created its members, and reports them waiting', async () => {
    const edits = open({ fair: true });
    const earlier = await edits.enqueue(rendition('earlier', { idempotencyKey: 'order-1' }));
    const batch = await edits.enqueueBatch([
      rendition('a', { tenant: 'shop-1' }),
      rendition('earlier', { idempotencyKey: 'order-1' }),
      rendition('b'),
    ]);
    expect(batch.batchId).toMatch(/^batch-[0-9a-f]{32}$/);
    expect(batch.members).toBe(2);
    expect(batch.results).toEqual([
      { id: expect.any(String) as string, duplicate: false },
      { id: earlier.id, duplicate: true },
      { id: expect.any(String) as string, duplicate: false },
    ]);
    const [a, , b] = batch.results;
    expect((await edits.queue.getJob(a!.id))?.data.batch).toEqual({ id: batch.batchId, index: 0 });
    expect((await edits.queue.getJob(b!.id))?.data.batch).toEqual({ id: batch.batchId, index: 1 });
    expect((await edits.get(a!.id))?.batchId).toBe(batch.batchId);
    // The replay belongs to no batch: it was enqueued on its own.
    expect((await edits.get(earlier.id))?.batchId).toBeUndefined();

    // Parked members are in none of BullMQ's sets: waiting, to a reader.
    expect(await edits.getBatch(batch.batchId)).toEqual({
      id: batch.batchId,
      total: 2,
      counts: {
        waiting: 2,
        prioritized: 0,
        delayed: 0,
        active: 0,
        completed: 0,
        failed: 0,
        removed: 0,
      },
      done: false,
      createdAt: expect.any(Number) as number,
      ended: { completed: 0, failed: 0, cancelled: 0 },
    });
    // The record lives at least past the latest member deadline (an hour by default).
    const store = new BatchStore({ redis, prefix: edits.prefix, queueName: edits.queueName });
    const ttl = await redis.pttl(store.key(batch.batchId));
    expect(ttl).toBeGreaterThan(3_600_000);
  });

  it('is done once every member completed, failed or was removed', async () => {
    const edits = open();
    const batch = await edits.enqueueBatch([
      rendition('ok-1'),
      rendition('ok-2'),
      rendition('broken'),
      rendition('gone'),
    ]);
    const gone = batch.results[3]!.id;
    await (await edits.queue.getJob(gone))?.remove();
    const connection = createWorkerConnection(redisUrl());
    const worker = new Worker<EditJobData, EditJobResult>(
      edits.queueName,
      (job) => {
        if (job.data.request.input?.includes('broken')) {
          return Promise.reject(new UnrecoverableError('remote_failed: corrupt input'));
        }
        return Promise.resolve({
          outputs: [],
          polls: 0,
          submits: 1,
          confirmedBy: 'status',
          timings: {
            enqueuedAt: 0,
            startedAt: 0,
            submittedAt: 0,
            remoteFinishedAt: 0,
            completedAt: 0,
            queuedMs: 0,
            remoteMs: 0,
            detectionLagMs: 0,
          },
        });
      },
      { connection, prefix: edits.prefix },
    );
    worker.on('error', () => undefined);
    try {
      const done = await waitFor(
        async () => {
          const status = await edits.getBatch(batch.batchId);
          return status?.done ? status : null;
        },
        { what: 'the batch to be done' },
      );
      expect(done.counts).toMatchObject({ completed: 2, failed: 1, removed: 1, waiting: 0 });
    } finally {
      await worker.close();
      connection.disconnect();
    }
  });

  it('refuses a batch callback an edit could not have, naming callback.url: nothing stored', async () => {
    const edits = open();
    const refused = async (callback: unknown) => {
      const err = await edits.enqueueBatch([rendition('a')], { callback }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EditJobValidationError);
      return (err as EditJobValidationError).issues.map(({ path, rule }) => ({ path, rule }));
    };
    expect(await refused({ url: 'http://app.example.com/hooks' })).toEqual([
      { path: 'callback.url', rule: 'https' },
    ]);
    expect(await refused({ url: 'https://127.0.0.1/hooks' })).toEqual([
      { path: 'callback.url', rule: 'public-address' },
    ]);
    expect((await refused('https://app.example.com')).map((i) => i.path)).toEqual(['callback']);
    expect(await edits.counts()).toMatchObject({ waiting: 0, delayed: 0 });
    expect(await redis.keys(`${edits.prefix}:${edits.queueName}:batch:*`)).toEqual([]);
  });

  it('keeps an allowed callback and shows it as origin and path', async () => {
    const edits = open({ callbackAllow: ['127.0.0.1:9'] });
    const batch = await edits.enqueueBatch([rendition('a')], {
      callback: { url: 'http://127.0.0.1:9/hooks?key=app-secret' },
    });
    expect((await edits.getBatch(batch.batchId))?.callback).toEqual({
      target: 'http://127.0.0.1:9/hooks',
    });
  });

  it('ends a batch that created no edit at once, and queues its batch.completed', async () => {
    const edits = open();
    await edits.enqueue(rendition('a', { idempotencyKey: 'k-a' }));
    const callbacks = new CallbackDispatcher({
      connection: redis,
      prefix: edits.prefix,
      queueName: uniqueName('batch-callbacks'),
      worker: false,
    });
    try {
      const batch = await edits.enqueueBatch([rendition('a', { idempotencyKey: 'k-a' })], {
        callback: { url: 'https://app.example.com/batches?sig=abc' },
        announce: callbacks,
      });
      expect(batch.members).toBe(0);
      const status = await edits.getBatch(batch.batchId);
      expect(status).toMatchObject({ total: 0, done: true });
      expect(status?.completedAt).toEqual(expect.any(Number));
      expect(await callbacks.getDelivery(batch.batchId)).toMatchObject({
        type: 'batch.completed',
        state: 'pending',
        target: 'https://app.example.com/batches',
      });
      const job = await callbacks.queue.getJob(deliveryIdFor(batch.batchId, 'batch.completed'));
      const body = JSON.parse(String(job?.data.body)) as { type: string; data: unknown };
      expect(body).toMatchObject({
        type: 'batch.completed',
        data: { batchId: batch.batchId, total: 0, completed: 0, failed: 0, cancelled: 0 },
      });
    } finally {
      await callbacks.queue.obliterate({ force: true });
      await callbacks.close();
      const left = await redis.keys(`${edits.prefix}:${callbacks.queueName}:*`);
      if (left.length > 0) await redis.del(...left);
    }
  });

  it('answers null for an id that is not a batch id, or a batch that does not exist', async () => {
    const edits = open();
    expect(await edits.getBatch('meta')).toBeNull();
    expect(await edits.getBatch(newBatchId())).toBeNull();
  });
});
