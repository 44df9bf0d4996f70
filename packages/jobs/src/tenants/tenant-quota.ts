import { DEFAULT_PREFIX, DEFAULT_QUEUE } from '../constants';
import type { Cluster, Redis } from 'ioredis';
import { RedisScript } from '../redis-script';
import type { QuotaRefusal } from './quota-exceeded-error';
import { tenantOf, tenantPolicy, type TenantConfig } from './tenant-config';

const DAY_MS = 86_400_000;

// Check and count in one step, so parallel producers never count past the limit together.
// The key outlives its day by a day, so a late release cannot bring back a spent counter.
const RESERVE = new RedisScript(`
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = tonumber(ARGV[1])
if used + n > tonumber(ARGV[2]) then return {0, used} end
used = redis.call('INCRBY', KEYS[1], n)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {1, used}
`);

// Never below zero: a release cannot make room that was not taken.
const RELEASE = new RedisScript(`
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used <= 0 then return 0 end
local left = math.max(0, used - tonumber(ARGV[1]))
redis.call('SET', KEYS[1], left, 'KEEPTTL')
return left
`);

export interface TenantQuotaOptions {
  /** A connection the quota borrows and never closes; a Cluster works (one hash tag). */
  redis: Redis | Cluster;
  /** The queue's key prefix. @defaultValue '{darkroom}' */
  prefix?: string;
  /** @defaultValue 'edits' */
  queueName?: string;
  config: TenantConfig;
  /** The clock that picks the UTC day. @defaultValue Date.now */
  now?: () => number;
}

export type QuotaReservation = { ok: true } | QuotaRefusal;

/**
 * Each tenant's `maxPerDay`: a counter per tenant and UTC day in Redis
 * (`<prefix>:<queue>:tenants:<tenant>:day:<YYYY-MM-DD>`). Tenants without a quota cost no
 * Redis call.
 */
export class TenantQuota {
  private readonly redis: Redis | Cluster;
  private readonly base: string;
  private readonly config: TenantConfig;
  private readonly now: () => number;

  constructor(options: TenantQuotaOptions) {
    this.redis = options.redis;
    this.base = `${options.prefix ?? DEFAULT_PREFIX}:${options.queueName ?? DEFAULT_QUEUE}:tenants`;
    this.config = options.config;
    this.now = options.now ?? Date.now;
  }

  /** The Redis key counting `tenant`'s edits on the UTC day of `at`. */
  dayKey(tenant: string | undefined, at = this.now()): string {
    return `${this.base}:${tenantOf(tenant)}:day:${new Date(at).toISOString().slice(0, 10)}`;
  }

  /**
   * Counts `count` edits against the tenant's quota of the day, all or none: refused when they
   * do not all fit, and then nothing is counted.
   */
  async reserve(tenant: string | undefined, count: number): Promise<QuotaReservation> {
    const limit = tenantPolicy(this.config, tenant).maxPerDay;
    if (limit === undefined || count <= 0) return { ok: true };
    const at = this.now();
    const resetAt = new Date(Math.floor(at / DAY_MS) * DAY_MS + DAY_MS);
    const ttlMs = resetAt.getTime() - at + DAY_MS;
    const [granted, used] = (await RESERVE.run(
      this.redis,
      [this.dayKey(tenant, at)],
      [count, limit, ttlMs],
    )) as [number, number];
    if (granted === 1) return { ok: true };
    return { ok: false, quota: 'maxPerDay', tenant: tenantOf(tenant), limit, used, resetAt };
  }

  /** Gives back `count` edits reserved today that were not added (idempotent replays). */
  async release(tenant: string | undefined, count: number): Promise<void> {
    if (tenantPolicy(this.config, tenant).maxPerDay === undefined || count <= 0) return;
    await RELEASE.run(this.redis, [this.dayKey(tenant)], [count]);
  }

  /** Edits counted today for `tenant`. */
  async used(tenant: string | undefined): Promise<number> {
    return Number((await this.redis.get(this.dayKey(tenant))) ?? 0);
  }
}
