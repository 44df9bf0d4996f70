import { guardAgainstLeaks, redisClient, redisUrl, uniqueName } from '@darkroom/testing';
import type { Redis } from 'ioredis';
import { EditQueue, fairBacklog, FairKeys } from '../src';

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
