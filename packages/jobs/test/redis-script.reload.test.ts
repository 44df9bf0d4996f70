import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  guardAgainstLeaks,
  redisClient,
  startRedisServer,
  type RedisServer,
} from '@darkroom/testing';
import { DurationEstimator } from '../src/duration-estimator';
import { RedisScript } from '../src/redis-script';

guardAgainstLeaks();

// Scripts run by SHA; a Redis that lost its script cache (SCRIPT FLUSH, a restart, a failover to
// a replica that never saw the script) must get the source again, transparently. This suite
// flushes scripts, so it runs on a Redis of its own.
describe('RedisScript after the script cache is lost', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = redisClient(server.url);
  }, 30_000);

  afterAll(async () => {
    await redis?.quit();
    await server?.close();
  });

  it('loads the source again on NOSCRIPT and returns the script result', async () => {
    const source = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    const script = new RedisScript(source);
    await redis.script('FLUSH');
    await expect(script.run(redis, ['counter'], [5])).resolves.toBe(5);
    // Once loaded, Redis holds it under the SHA1 of its source, which the next call runs by.
    const sha = createHash('sha1').update(source).digest('hex');
    const [loaded] = (await redis.script('EXISTS', sha)) as number[];
    expect(loaded).toBe(1);
    await expect(script.run(redis, ['counter'], [2])).resolves.toBe(7);
    await redis.script('FLUSH');
    await expect(script.run(redis, ['counter'], [1])).resolves.toBe(8);
  });

  it('passes other script errors through without running the script twice', async () => {
    const script = new RedisScript(
      "redis.call('INCR', KEYS[1]); return redis.error_reply('budget says no')",
    );
    await redis.del('runs');
    await expect(script.run(redis, ['runs'], [])).rejects.toThrow('budget says no');
    expect(await redis.get('runs')).toBe('1');
  });

  it('keeps the duration estimate learning across a flush', async () => {
    const estimator = new DurationEstimator({ redis, prefix: '{t}', warmup: 2, alpha: 0.5 });
    const fallback = { meanMs: 9_999, deviationMs: 1 };
    await estimator.record('renditionCreate', 1_000);
    await redis.script('FLUSH');
    await estimator.record('renditionCreate', 3_000);
    // mean: 1000, then 1000 + 0.5 * (3000 - 1000) = 2000; deviation: 250, then 250 + 0.5 * (2000 - 250).
    await expect(estimator.estimate('renditionCreate', fallback)).resolves.toEqual({
      meanMs: 2_000,
      deviationMs: 1_125,
    });
  });
});
