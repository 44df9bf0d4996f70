import type { Redis, Cluster } from 'ioredis';
import type { DurationEstimate } from './poll-schedule';
import { RedisScript } from './redis-script';

/**
 * Exponentially weighted moving mean and mean absolute deviation of remote durations, per
 * operation, kept in Redis so every worker learns from every finished job. One small hash per
 * operation; the update is a Lua script so concurrent workers never lose an update.
 */
const UPDATE = new RedisScript(`
local mean = tonumber(redis.call('HGET', KEYS[1], 'mean'))
local dev = tonumber(redis.call('HGET', KEYS[1], 'dev'))
local n = tonumber(redis.call('HGET', KEYS[1], 'n')) or 0
local x = tonumber(ARGV[1])
local alpha = tonumber(ARGV[2])
if mean == nil then
  mean = x
  dev = x / 4
else
  local diff = math.abs(x - mean)
  mean = mean + alpha * (x - mean)
  dev = dev + alpha * (diff - dev)
end
redis.call('HSET', KEYS[1], 'mean', tostring(mean), 'dev', tostring(dev), 'n', n + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return n + 1
`);

export interface DurationEstimatorOptions {
  redis: Redis | Cluster;
  /** Key prefix; include the queue's hash tag so the keys live beside the queue in a cluster. */
  prefix: string;
  /**
   * Weight of the newest sample.
   * @defaultValue 0.2
   */
  alpha?: number;
  /**
   * Samples needed before the learned estimate replaces the operation's default.
   * @defaultValue 3
   */
  warmup?: number;
  /**
   * Forget an operation nobody ran for this long.
   * @defaultValue 7 days
   */
  ttlMs?: number;
}

export class DurationEstimator {
  private readonly redis: Redis | Cluster;
  private readonly prefix: string;
  private readonly alpha: number;
  private readonly warmup: number;
  private readonly ttlMs: number;

  constructor(options: DurationEstimatorOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix;
    this.alpha = options.alpha ?? 0.2;
    this.warmup = options.warmup ?? 3;
    this.ttlMs = options.ttlMs ?? 7 * 24 * 3600 * 1000;
  }

  private key(operation: string): string {
    return `${this.prefix}:estimate:${operation}`;
  }

  /** The learned estimate, or `fallback` until enough jobs of this operation have finished. */
  async estimate(operation: string, fallback: DurationEstimate): Promise<DurationEstimate> {
    const [mean, dev, n] = await this.redis.hmget(this.key(operation), 'mean', 'dev', 'n');
    if (mean === null || dev === null || Number(n) < this.warmup) return fallback;
    return { meanMs: Number(mean), deviationMs: Number(dev) };
  }

  /** Records one finished job's remote duration. */
  async record(operation: string, durationMs: number): Promise<void> {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    await UPDATE.run(this.redis, [this.key(operation)], [durationMs, this.alpha, this.ttlMs]);
  }
}
