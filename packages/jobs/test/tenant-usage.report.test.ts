import type { Redis } from 'ioredis';
import { guardAgainstLeaks, redisClient, uniqueName } from '@darkroom/testing';
import { TenantUsage, UsageQueryError, parseUsageSince } from '../src';

guardAgainstLeaks();

const HOUR = 3_600_000;

describe('TenantUsage', () => {
  let redis: Redis;
  let queueName: string;
  let clock: number;

  beforeAll(() => {
    redis = redisClient();
  });
  beforeEach(() => {
    queueName = uniqueName('usage');
    clock = Date.UTC(2030, 4, 1, 10, 15);
  });
  afterEach(async () => {
    const keys = await redis.keys(`{darkroom}:${queueName}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  afterAll(async () => {
    await redis.quit();
  });

  const store = () => new TenantUsage({ redis, queueName, now: () => clock });

  it('sums hourly buckets into per-tenant totals from the hour of `since` to now', async () => {
    const usage = store();
    await usage.record('shop-1', { edits_completed: 1, output_bytes: 500, remote_ms: 1500 });
    await usage.record('shop-1', { submits: 2, status_reads: 5, rate_limited: 1 });
    clock += HOUR; // 11:15
    await usage.record('shop-1', { edits_completed: 2, edits_failed: 1, output_bytes: 250 });
    await usage.record(undefined, { edits_cancelled: 1 });
    clock += 2 * HOUR; // 13:15
    await usage.record('shop-2', { edits_completed: 1, remote_ms: 500 });

    const all = await usage.report({ since: new Date(Date.UTC(2030, 4, 1, 10, 59)) });
    expect(all.since).toEqual(new Date(Date.UTC(2030, 4, 1, 10)));
    expect(all.until).toEqual(new Date(clock));
    expect(all.tenants).toEqual([
      {
        tenant: 'default',
        edits: { completed: 0, failed: 0, cancelled: 1 },
        adobeCalls: { submit: 0, status: 0 },
        rateLimited: 0,
        outputBytes: 0,
        adobeSeconds: 0,
      },
      {
        tenant: 'shop-1',
        edits: { completed: 3, failed: 1, cancelled: 0 },
        adobeCalls: { submit: 2, status: 5 },
        rateLimited: 1,
        outputBytes: 750,
        adobeSeconds: 1.5,
      },
      {
        tenant: 'shop-2',
        edits: { completed: 1, failed: 0, cancelled: 0 },
        adobeCalls: { submit: 0, status: 0 },
        rateLimited: 0,
        outputBytes: 0,
        adobeSeconds: 0.5,
      },
    ]);

    // From 11:00: the 10:00 bucket is left out.
    const later = await usage.report({ since: new Date(Date.UTC(2030, 4, 1, 11, 30)) });
    expect(later.tenants.find((t) => t.tenant === 'shop-1')?.edits.completed).toBe(2);

    const one = await usage.report({ since: new Date(clock - 5 * HOUR), tenant: 'shop-2' });
    expect(one.tenants.map((t) => t.tenant)).toEqual(['shop-2']);
  });

  it('keeps each bucket 8 days and skips zero deltas', async () => {
    const usage = store();
    await usage.record('shop-1', { submits: 0 });
    expect(await redis.keys(`{darkroom}:${queueName}:*`)).toEqual([]);
    await usage.record('shop-1', { submits: 1 });
    const key = `{darkroom}:${queueName}:tenants:shop-1:usage:2030-05-01T10`;
    expect(await redis.hgetall(key)).toEqual({ submits: '1' });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(8 * 24 * HOUR - 60_000);
    // The hour's tenant list lives as long (read a moment later, so within a few ms).
    const listTtl = await redis.pttl(`{darkroom}:${queueName}:tenants:hours:2030-05-01T10`);
    expect(Math.abs(listTtl - ttl)).toBeLessThanOrEqual(100);
  });

  it('reports a tenant asked for by name with zeros when it used nothing', async () => {
    const report = await store().report({ since: new Date(clock - HOUR), tenant: 'nobody' });
    expect(report.tenants).toEqual([
      expect.objectContaining({
        tenant: 'nobody',
        edits: { completed: 0, failed: 0, cancelled: 0 },
      }),
    ]);
  });
});

describe('parseUsageSince', () => {
  const now = Date.UTC(2030, 4, 8, 12);

  it('reads durations back from now and ISO times', () => {
    expect(parseUsageSince('90m', now)).toEqual(new Date(now - 90 * 60_000));
    expect(parseUsageSince('24h', now)).toEqual(new Date(now - 24 * HOUR));
    expect(parseUsageSince('7d', now)).toEqual(new Date(now - 7 * 24 * HOUR));
    expect(parseUsageSince('2030-05-08T00:00:00Z', now)).toEqual(new Date(Date.UTC(2030, 4, 8)));
  });

  it.each([
    ['8d', 'range'],
    ['0h', 'range'],
    ['2030-04-01T00:00:00Z', 'range'],
    ['2030-05-09T00:00:00Z', 'range'],
    ['yesterday', 'format'],
    ['24', 'format'],
  ])('refuses %s naming the field (%s)', (text, rule) => {
    let caught: unknown;
    try {
      parseUsageSince(text, now);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageQueryError);
    expect(caught).toMatchObject({ field: 'since', rule });
    expect((caught as Error).message).toMatch(/^since must /);
  });
});
