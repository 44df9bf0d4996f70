import {
  assertRedisUsable,
  checkRedis,
  createWorkerConnection,
  type RedisConnection,
} from '@darkroom/jobs';
import type { Logger } from '@darkroom/observability';
import type { WorkerConfig } from './config';

/** Closes a worker's Redis connection politely, or drops it when Redis no longer answers. */
export async function closeRedis(redis: RedisConnection): Promise<unknown> {
  return redis.quit().catch(() => redis.disconnect());
}

/**
 * Opens the worker's own Redis connection and refuses to start on a Redis that would lose jobs:
 * an evicting `maxmemory-policy` throws (unless the operator turned the check off), while missing
 * persistence is only logged as a warning. A connection that fails its checks is closed before
 * the error is thrown, so a worker that does not start leaves nothing open.
 */
export async function connectRedis(
  config: Pick<WorkerConfig, 'redis' | 'requireNoeviction'>,
  logger: Logger,
): Promise<RedisConnection> {
  const redis = createWorkerConnection(config.redis);
  try {
    await redis.ping();
    const findings = await checkRedis(redis, { requireNoeviction: config.requireNoeviction });
    assertRedisUsable(findings);
    for (const finding of findings) {
      if (finding.severity === 'warn') logger.warn({ check: 'redis' }, finding.message);
    }
    return redis;
  } catch (err) {
    await closeRedis(redis);
    throw err;
  }
}
