import { Job, Queue, Worker } from 'bullmq';
import { closeAll } from '@darkroom/core';
import { guardAgainstLeaks, redisClient, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import type { Redis } from 'ioredis';
import { EditQueue, fairBacklog, FairKeys } from '../src';
import { DEFAULT_ATTEMPTS } from '../src/constants';
import { admitEdits } from '../src/fair/fair-queue';
import { createWorkerConnection } from '../src/redis-connection';

guardAgainstLeaks();

const rendition = (name: string): Record<string, unknown> => ({
  operation: 'renditionCreate',
  input: `s3://darkroom-in/photos/${name}.psd`,
  outputs: [{ ref: `s3://darkroom-out/renditions/${name}.jpg`, type: 'image/jpeg' }],
});

describe('EditQueue with fair: true (real Redis)', () => {
  let edits: EditQueue;
  let redis: Redis;
  beforeEach(() => {
    edits = new EditQueue({
      connection: redisUrl(),
      queueName: uniqueName('fair-edits'),
      fair: true,
    });
    redis = redisClient();
  });
  afterEach(async () => {
    const left = await redis.keys(`${edits.prefix}:${edits.queueName}:*`);
    if (left.length > 0) await redis.del(...left);
    await edits.close();
    redis.disconnect();
  });

  it('parks each new edit in its line only, and reports it as waiting', async () => {
    const [a, b] = await edits.enqueueMany([
      { ...rendition('a'), tenant: 'shop-1' },
      { ...rendition('b'), tenant: 'shop-2', priority: 2 },
    ]);
    // In none of BullMQ's sets: nothing delayed, nothing in its waiting list.
    const keys = new FairKeys(edits.prefix, edits.queueName);
    expect(await redis.zcard(keys.delayed)).toBe(0);
    expect(await edits.queue.getJobs(['waiting', 'prioritized', 'delayed'])).toEqual([]);
    expect((await edits.get(a!.id))?.state).toBe('waiting');
    expect(await edits.counts()).toMatchObject({ waiting: 2, delayed: 0 });
    expect(await fairBacklog(redis, edits)).toEqual([
      { tenant: 'shop-1', account: 'default', waiting: 1 },
      { tenant: 'shop-2', account: 'default', waiting: 1 },
    ]);
    expect((await edits.parked()).map((j) => j.id).sort()).toEqual([a!.id, b!.id].sort());
  });

  it('writes the job hash BullMQ writes: Job.fromId reads what Queue.add would have stored', async () => {
    const [parked] = await edits.enqueueMany([
      { ...rendition('p'), tenant: 'shop-1', priority: 7 },
    ]);
    const ours = await Job.fromId(edits.queue, parked!.id);
    // The same job added by BullMQ itself, due now, in a queue of its own.
    const connection = redisClient();
    const reference = new Queue(uniqueName('bullmq-add'), { connection });
    try {
      const theirs = await reference.add(ours!.name, ours!.data, ours!.opts);
      const read = await Job.fromId(reference, theirs.id!);
      const shape = (job: Job) => ({
        name: job.name,
        data: job.data as unknown,
        opts: job.opts,
        delay: job.delay,
        priority: job.priority,
        attemptsMade: job.attemptsMade,
        attemptsStarted: job.attemptsStarted,
        stalledCounter: job.stalledCounter,
        progress: job.progress,
        returnvalue: job.returnvalue as unknown,
        failedReason: job.failedReason,
        processedOn: job.processedOn,
        finishedOn: job.finishedOn,
      });
      expect(shape(ours!)).toEqual(shape(read!));
      expect(ours!.opts).toMatchObject({
        jobId: parked!.id,
        priority: 7,
        attempts: DEFAULT_ATTEMPTS,
      });
      expect(Math.abs(ours!.timestamp - read!.timestamp)).toBeLessThan(60_000);
      const events = await redis.xrange(`${edits.prefix}:${edits.queueName}:events`, '-', '+');
      expect(events.map(([, fields]) => fields)).toEqual([
        ['event', 'added', 'jobId', parked!.id, 'name', ours!.name],
      ]);
    } finally {
      await reference.obliterate({ force: true });
      await reference.close();
      connection.disconnect();
    }
  });

  it('hands an admitted edit to a real BullMQ worker like any other job', async () => {
    const [parked] = await edits.enqueueMany([{ ...rendition('w'), tenant: 'shop-1' }]);
    const keys = new FairKeys(edits.prefix, edits.queueName);
    const admission = await admitEdits(redis, keys, {
      domain: 'default',
      accounts: ['default'],
      window: 5,
      defaults: { weight: 1, maxInFlight: 100 },
      tenants: {},
    });
    expect(admission.admitted).toEqual([{ id: parked!.id, tenant: 'shop-1' }]);
    const connection = createWorkerConnection(redisUrl());
    const seen: { id: string | undefined; attempts: number | undefined }[] = [];
    const worker = new Worker(
      edits.queueName,
      (job) => {
        seen.push({ id: job.id, attempts: job.opts.attempts });
        return Promise.resolve({ outputs: [] });
      },
      { connection, prefix: edits.prefix },
    );
    try {
      await waitFor(async () => (await edits.get(parked!.id))?.state === 'completed', {
        what: 'the admitted edit completed by a BullMQ worker',
      });
      expect(seen).toEqual([{ id: parked!.id, attempts: DEFAULT_ATTEMPTS }]);
    } finally {
      await closeAll([() => worker.close(), () => connection.disconnect()]);
    }
  });

  it('parks a recipe run’s steps in the run’s place in line (BullMQ timestamp of the run)', async () => {
    const since = Date.now() - 60_000;
    const [step] = await edits.enqueueRunSteps(
      { id: 'run-0123456789abcdef0123456789abcdef', enqueuedAt: since },
      [{ step: 'card', job: { ...rendition('card'), tenant: 'shop-1' } }],
    );
    const job = await Job.fromId(edits.queue, step!.id);
    expect(job?.timestamp).toBe(since);
    expect(job?.data).toMatchObject({ run: { step: 'card' } });
    expect((await edits.parked()).map((j) => j.id)).toEqual([step!.id]);
  });

  it('enqueues an idempotent edit again without a second place in its line', async () => {
    const job = { ...rendition('k'), tenant: 'shop-1', idempotencyKey: 'order-17' };
    const [first] = await edits.enqueueMany([job]);
    const [again] = await edits.enqueueMany([job]);
    expect(again).toEqual({ id: first!.id, duplicate: true });
    expect(await fairBacklog(redis, edits)).toEqual([
      { tenant: 'shop-1', account: 'default', waiting: 1 },
    ]);
  });

  it('cancels a parked edit at once: out of its line, to the front of the waiting list', async () => {
    const [kept, doomed] = await edits.enqueueMany([rendition('kept'), rendition('doomed')]);
    expect(await edits.cancel(doomed!.id)).toBe('cancelled');
    expect(await fairBacklog(redis, edits)).toEqual([
      { tenant: 'default', account: 'default', waiting: 1 },
    ]);
    expect((await edits.get(doomed!.id))?.state).toBe('waiting');
    expect((await edits.queue.getJobs(['waiting'])).map((j) => j.id)).toEqual([doomed!.id]);
    expect((await edits.parked()).map((j) => j.id)).toEqual([kept!.id]);
  });
});
