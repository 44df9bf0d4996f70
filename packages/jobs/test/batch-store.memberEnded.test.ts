import type { Redis } from 'ioredis';
import { guardAgainstLeaks, redisClient, uniqueName } from '@darkroom/testing';
import { BatchStore, newBatchId, type BatchOutcome } from '../src';

guardAgainstLeaks();

const RETENTION_MS = 3_600_000;

describe('BatchStore.memberEnded (real Redis, several connections at once)', () => {
  const queueName = uniqueName('batches');
  const connections: Redis[] = [];
  let stores: BatchStore[];
  let reader: Redis;

  beforeEach(() => {
    connections.push(...Array.from({ length: 4 }, () => redisClient()));
    stores = connections.map((redis) => new BatchStore({ redis, prefix: '{darkroom}', queueName }));
    reader = redisClient();
  });
  afterEach(async () => {
    const left = await reader.keys(`{darkroom}:${queueName}:*`);
    if (left.length > 0) await reader.del(...left);
    reader.disconnect();
    for (const redis of connections.splice(0)) redis.disconnect();
  });

  async function created(members: number): Promise<string> {
    const id = newBatchId();
    await stores[0]!.create({
      id,
      memberIds: Array.from({ length: members }, (_, i) => `edit-${i}`),
      createdAt: Date.now(),
      ttlMs: 2 * RETENTION_MS,
      retentionMs: RETENTION_MS,
      callbackUrl: 'https://app.example.com/batches',
    });
    return id;
  }

  it('tells exactly one caller that the batch ended, however the ends interleave', async () => {
    const id = await created(60);
    const outcome = (i: number): BatchOutcome =>
      i % 10 === 0 ? 'failed' : i % 15 === 1 ? 'cancelled' : 'completed';
    // Every member ends on one of four connections, all at once.
    const told = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        stores[index % 4]!.memberEnded({ id, index }, outcome(index)),
      ),
    );
    expect(told.filter(Boolean)).toHaveLength(1);
    const record = await stores[0]!.read(id);
    expect(record).toMatchObject({
      total: 60,
      ended: { completed: 50, failed: 6, cancelled: 4 },
      callbackUrl: 'https://app.example.com/batches',
    });
    expect(record?.completedAt).toEqual(expect.any(Number));
    // Once the batch ended, it is kept the retention of its edits.
    const ttl = await reader.pttl(stores[0]!.key(id));
    expect(ttl).toBeGreaterThan(RETENTION_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(RETENTION_MS);
    expect(await reader.pttl(stores[0]!.endedKey(id))).toBeGreaterThan(0);
  });

  it('counts an edit that ends twice (a retry, an end run again) once', async () => {
    const id = await created(3);
    expect(await stores[0]!.memberEnded({ id, index: 0 }, 'failed')).toBe(false);
    expect(await stores[1]!.memberEnded({ id, index: 0 }, 'completed')).toBe(false);
    expect(await stores[2]!.memberEnded({ id, index: 1 }, 'completed')).toBe(false);
    expect((await stores[0]!.read(id))?.ended).toEqual({ completed: 1, failed: 1, cancelled: 0 });
    expect(await stores[3]!.memberEnded({ id, index: 2 }, 'completed')).toBe(true);
  });

  it('keeps telling until the end is announced, then never again', async () => {
    const id = await created(1);
    expect(await stores[0]!.memberEnded({ id, index: 0 }, 'completed')).toBe(true);
    // A worker that died before announcing: the end running again is told again.
    expect(await stores[1]!.memberEnded({ id, index: 0 }, 'completed')).toBe(true);
    await stores[1]!.markNotified(id);
    expect(await stores[2]!.memberEnded({ id, index: 0 }, 'completed')).toBe(false);
    expect((await stores[0]!.read(id))?.notifiedAt).toEqual(expect.any(Number));
    expect((await stores[0]!.read(id))?.ended.completed).toBe(1);
  });

  it('counts nothing for a batch that is gone or an index outside it', async () => {
    const id = await created(2);
    expect(await stores[0]!.memberEnded({ id, index: 2 }, 'completed')).toBe(false);
    expect(await stores[0]!.memberEnded({ id, index: -1 }, 'completed')).toBe(false);
    await stores[0]!.remove(id);
    expect(await stores[0]!.memberEnded({ id, index: 0 }, 'completed')).toBe(false);
    await stores[0]!.markNotified(id);
    expect(await reader.exists(stores[0]!.key(id), stores[0]!.endedKey(id))).toBe(0);
    expect(await stores[0]!.read(id)).toBeNull();
  });

  it('stores a batch with no members as ended at once, with the retention as its lifetime', async () => {
    const id = await created(0);
    const record = await stores[0]!.read(id);
    expect(record).toMatchObject({ total: 0, memberIds: [], completedAt: record?.createdAt });
    expect(await reader.pttl(stores[0]!.key(id))).toBeLessThanOrEqual(RETENTION_MS);
  });
});
