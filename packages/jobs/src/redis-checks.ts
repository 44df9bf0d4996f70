import type { Cluster, Redis } from 'ioredis';
import { JobsError } from './errors/jobs-error';

/** Redis is set up in a way Darkroom must not run on (see `assessRedisSettings`). */
export class RedisMisconfiguredError extends JobsError {}

/** What `readRedisSettings` found out, as INFO reports it. */
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

/** How much a finding matters: `error` means Darkroom must not run on this Redis. */
export type RedisFindingSeverity = 'ok' | 'warn' | 'error';

/** One verdict about a Redis setting Darkroom relies on. */
export interface RedisFinding {
  /** The setting judged; also the check name `darkroom doctor` prints. */
  name: 'redis.version' | 'redis.policy' | 'redis.persistence';
  severity: RedisFindingSeverity;
  /** A sentence for a person: what is set, what it costs, what to change. */
  message: string;
}

export interface RedisCheckOptions {
  /**
   * Whether an evicting `maxmemory-policy` is an error (the worker refuses to start) or only a
   * warning (`WORKER_REQUIRE_NOEVICTION=false`, for a Redis whose policy cannot be changed).
   * @defaultValue true
   */
  requireNoeviction?: boolean;
}

/**
 * Judges the settings Darkroom's guarantees rely on. BullMQ's locks and Darkroom's checkpoints
 * carry TTLs or live in hashes that an eviction policy would silently drop (bullmq #1827, #2737),
 * so an evicting policy is an error; missing persistence weakens durability without breaking
 * correctness, so it is a warning. Always one `redis.policy` and one `redis.persistence` finding
 * (`ok` when fine); `redis.version` only when the version is too old.
 */
export function assessRedisSettings(
  settings: RedisSettings,
  options: RedisCheckOptions = {},
): RedisFinding[] {
  const findings: RedisFinding[] = [];
  const [major] = settings.version.split('.').map(Number);
  if (major !== undefined && Number.isFinite(major) && major < 6) {
    findings.push({
      name: 'redis.version',
      severity: 'error',
      message: `Redis ${settings.version} is too old: BullMQ needs Redis 6.2 or later`,
    });
  }
  findings.push(
    settings.maxmemoryPolicy === 'noeviction'
      ? { name: 'redis.policy', severity: 'ok', message: "Redis maxmemory-policy is 'noeviction'" }
      : {
          name: 'redis.policy',
          severity: (options.requireNoeviction ?? true) ? 'error' : 'warn',
          message: `Redis maxmemory-policy is '${settings.maxmemoryPolicy}'; Darkroom needs 'noeviction' (an evicting Redis loses jobs and locks)`,
        },
  );
  findings.push(
    settings.aofEnabled
      ? { name: 'redis.persistence', severity: 'ok', message: 'Redis AOF is on' }
      : settings.rdbEnabled
        ? {
            name: 'redis.persistence',
            severity: 'warn',
            message:
              'Redis AOF is off: a crash loses jobs since the last snapshot; appendonly yes with appendfsync everysec is recommended',
          }
        : {
            name: 'redis.persistence',
            severity: 'warn',
            message:
              'Redis persistence is off (no AOF, no RDB): a Redis restart loses every queued job',
          },
  );
  return findings;
}

/** Reads the settings of a connected Redis and judges them (`assessRedisSettings`). */
export async function checkRedis(
  redis: Redis | Cluster,
  options: RedisCheckOptions = {},
): Promise<RedisFinding[]> {
  return assessRedisSettings(await readRedisSettings(redis), options);
}

/**
 * Refuses a Redis that has an `error` finding, with every error in one message; `findings`
 * without errors pass.
 * @throws {RedisMisconfiguredError}
 */
export function assertRedisUsable(findings: readonly RedisFinding[]): void {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new RedisMisconfiguredError(errors.map((f) => f.message).join('; '));
}
