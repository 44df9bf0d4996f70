import { guardAgainstLeaks, redisClient } from '@darkroom/testing';
import type { Redis } from 'ioredis';
import { createReadiness, pingWithin, type ReadinessOptions } from '../src/readiness';

guardAgainstLeaks();

/** A Redis whose PING never answers, like one behind a dropped network path. */
const silentRedis = { ping: () => new Promise<'PONG'>(() => undefined) };
/** A Redis that refuses the connection. */
const refusingRedis = { ping: () => Promise.reject(new Error('connect ECONNREFUSED')) };

describe('createReadiness', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = redisClient();
  });
  afterAll(async () => {
    await redis.quit();
  });

  const healthy = (): ReadinessOptions => ({
    redis,
    consumer: { isRunning: () => true },
    watchdog: { isWedged: () => false },
    stopping: () => false,
  });

  it('is ready when Redis answers and the consumer runs unwedged', async () => {
    await expect(createReadiness(healthy())()).resolves.toEqual({ ready: true, reasons: [] });
  });

  it('names every problem at once, in a fixed order', async () => {
    const readiness = createReadiness({
      redis: refusingRedis,
      consumer: { isRunning: () => false },
      watchdog: { isWedged: () => true },
      stopping: () => true,
    });
    await expect(readiness()).resolves.toEqual({
      ready: false,
      reasons: [
        'shutting down',
        'redis unreachable',
        'consumer wedged: jobs wait but none is taken',
        'consumer not running',
      ],
    });
  });

  it('reads the worker afresh on every call', async () => {
    let stopping = false;
    const readiness = createReadiness({ ...healthy(), stopping: () => stopping });
    expect((await readiness()).ready).toBe(true);
    stopping = true;
    expect(await readiness()).toEqual({ ready: false, reasons: ['shutting down'] });
  });

  it('reports Redis unreachable when PING does not answer within the timeout', async () => {
    const readiness = createReadiness({ ...healthy(), redis: silentRedis, pingTimeoutMs: 50 });
    const started = Date.now();
    expect(await readiness()).toEqual({ ready: false, reasons: ['redis unreachable'] });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('pingWithin', () => {
  it('is true for a Redis that answers, false for one that refuses or stays silent', async () => {
    const redis = redisClient();
    try {
      await expect(pingWithin(redis, 500)).resolves.toBe(true);
    } finally {
      await redis.quit();
    }
    await expect(pingWithin(refusingRedis, 500)).resolves.toBe(false);
    await expect(pingWithin(silentRedis, 20)).resolves.toBe(false);
  });
});
