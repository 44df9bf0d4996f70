import type { Redis } from 'ioredis';
import { guardAgainstLeaks, redisClient, uniqueName } from '@darkroom/testing';
import { QuotaExceededError, TenantQuota, parseTenantConfig } from '../src';

guardAgainstLeaks();

const config = parseTenantConfig(
  JSON.stringify({ 'shop-1': { maxPerDay: 10 }, unlimited: { weight: 5 }, '*': { maxPerDay: 3 } }),
);

describe('TenantQuota', () => {
  let redis: Redis;
  let queueName: string;

  beforeAll(() => {
    redis = redisClient();
  });
  beforeEach(() => {
    queueName = uniqueName('quota');
  });
  afterEach(async () => {
    const keys = await redis.keys(`{darkroom}:${queueName}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  afterAll(async () => {
    await redis.quit();
  });

  const quotaAt = (at: number) => new TenantQuota({ redis, queueName, config, now: () => at });

  it('never counts past the limit, however many reserves race', async () => {
    const quota = new TenantQuota({ redis, queueName, config });
    const results = await Promise.all(Array.from({ length: 60 }, () => quota.reserve('shop-1', 1)));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(await quota.used('shop-1')).toBe(10);
  });

  it('takes a batch whole or not at all, and says when the day resets', async () => {
    const at = Date.UTC(2030, 0, 15, 22, 30);
    const quota = quotaAt(at);
    await expect(quota.reserve('shop-1', 8)).resolves.toEqual({ ok: true });
    await expect(quota.reserve('shop-1', 3)).resolves.toEqual({
      ok: false,
      quota: 'maxPerDay',
      tenant: 'shop-1',
      limit: 10,
      used: 8,
      resetAt: new Date(Date.UTC(2030, 0, 16)),
    });
    expect(await quota.used('shop-1')).toBe(8);
    await expect(quota.reserve('shop-1', 2)).resolves.toEqual({ ok: true });
  });

  it('keys the counter by UTC day under the queue prefix, kept past the day', async () => {
    const at = Date.UTC(2030, 0, 15, 23, 0);
    const quota = quotaAt(at);
    await quota.reserve('shop-1', 1);
    const key = `{darkroom}:${queueName}:tenants:shop-1:day:2030-01-15`;
    expect(quota.dayKey('shop-1')).toBe(key);
    expect(await redis.get(key)).toBe('1');
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(3_600_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000 + 86_400_000);
    // A new day starts from zero.
    await expect(quotaAt(at + 3_600_000).used('shop-1')).resolves.toBe(0);
  });

  it('gives back released edits, never below zero', async () => {
    const quota = new TenantQuota({ redis, queueName, config });
    await quota.reserve('shop-1', 10);
    expect((await quota.reserve('shop-1', 1)).ok).toBe(false);
    await quota.release('shop-1', 4);
    expect(await quota.used('shop-1')).toBe(6);
    await quota.release('shop-1', 50);
    expect(await quota.used('shop-1')).toBe(0);
  });

  it('applies * to unnamed tenants and to edits without a tenant (`default`)', async () => {
    const quota = new TenantQuota({ redis, queueName, config });
    await expect(quota.reserve(undefined, 3)).resolves.toEqual({ ok: true });
    const refused = await quota.reserve(undefined, 1);
    expect(refused).toMatchObject({ ok: false, tenant: 'default', limit: 3, used: 3 });
    expect((await quota.reserve('walk-in', 4)).ok).toBe(false);
  });

  it('costs no Redis call for a tenant without a quota', async () => {
    const quota = new TenantQuota({ redis, queueName, config });
    for (let i = 0; i < 5; i += 1) {
      await expect(quota.reserve('unlimited', 1000)).resolves.toEqual({ ok: true });
    }
    expect(await redis.keys(`{darkroom}:${queueName}:*`)).toEqual([]);
  });

  it('turns a refusal into a QuotaExceededError with the fields the API shows', async () => {
    const at = Date.UTC(2030, 0, 15, 23, 59, 30);
    const refusal = await quotaAt(at).reserve('walk-in', 4);
    if (refusal.ok) throw new Error('expected a refusal');
    const err = new QuotaExceededError(refusal, 4);
    expect(err).toMatchObject({ name: 'QuotaExceededError', tenant: 'walk-in', limit: 3, used: 0 });
    expect(err.message).toBe(
      'tenant walk-in has used 0 of its 3 edits for today (maxPerDay); 4 more do not fit until 2030-01-16T00:00:00.000Z',
    );
    expect(err.retryAfterSeconds(at)).toBe(30);
  });
});
