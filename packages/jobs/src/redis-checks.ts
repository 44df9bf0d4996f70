import type { Cluster, Redis } from 'ioredis';

export class RedisMisconfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

export interface RedisSettings {
  maxmemoryPolicy: string;
  aofEnabled: boolean;
  rdbEnabled: boolean;
  version: string;
}

function infoField(info: string, field: string): string | undefined {
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return match?.[1]?.trim();
}

/**
 * Reads the settings Darkroom's guarantees rely on. INFO works where CONFIG is disabled (most
 * managed Redis services rename or block CONFIG).
 */
export async function readRedisSettings(redis: Redis | Cluster): Promise<RedisSettings> {
  const info = await redis.info();
  const maxmemoryPolicy = infoField(info, 'maxmemory_policy') ?? 'unknown';
  const saveParams =
    infoField(info, 'rdb_last_bgsave_status') !== undefined ? await readSave(redis) : '';
  return {
    maxmemoryPolicy,
    aofEnabled: infoField(info, 'aof_enabled') === '1',
    rdbEnabled: saveParams !== '',
    version: infoField(info, 'redis_version') ?? 'unknown',
  };
}

async function readSave(redis: Redis | Cluster): Promise<string> {
  try {
    const reply = (await redis.config('GET', 'save')) as string[];
    return reply[1] ?? '';
  } catch {
    return 'unknown';
  }
}

/**
 * Refuses to run on a Redis that may evict keys: BullMQ's locks and Darkroom's checkpoints carry
 * TTLs or live in hashes that an eviction policy would silently drop (bullmq #1827, #2737).
 * Returns warnings for settings that weaken durability without breaking correctness.
 */
export async function checkRedis(
  redis: Redis | Cluster,
  options: { requireNoeviction: boolean },
): Promise<string[]> {
  const settings = await readRedisSettings(redis);
  const warnings: string[] = [];
  if (settings.maxmemoryPolicy !== 'noeviction') {
    const message = `Redis maxmemory-policy is '${settings.maxmemoryPolicy}'; Darkroom needs 'noeviction' (an evicting Redis loses jobs and locks)`;
    if (options.requireNoeviction) throw new RedisMisconfiguredError(message);
    warnings.push(message);
  }
  if (!settings.aofEnabled && !settings.rdbEnabled) {
    warnings.push(
      'Redis persistence is off (no AOF, no RDB): a Redis restart loses every queued job',
    );
  } else if (!settings.aofEnabled) {
    warnings.push(
      'Redis AOF is off: a crash loses jobs since the last snapshot; appendonly yes with appendfsync everysec is recommended',
    );
  }
  return warnings;
}
