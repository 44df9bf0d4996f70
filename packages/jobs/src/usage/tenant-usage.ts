import { DEFAULT_PREFIX, DEFAULT_QUEUE } from '../constants';
import type { Cluster, Redis } from 'ioredis';
import { tenantOf } from '../tenants/tenant-config';

const HOUR_MS = 3_600_000;

/** Hourly buckets are kept this long: a report reaches back at most 7 days. */
export const USAGE_RETENTION_MS = 8 * 24 * HOUR_MS;

/** The counters of one tenant's hour. */
export const usageFields = [
  'edits_completed',
  'edits_failed',
  'edits_cancelled',
  'submits',
  'status_reads',
  'rate_limited',
  'output_bytes',
  'remote_ms',
] as const;
export type UsageField = (typeof usageFields)[number];
export type UsageDeltas = Partial<Record<UsageField, number>>;

/** One tenant's usage over a report's hours, as the API and the CLI show it. */
export interface TenantUsageTotals {
  tenant: string;
  edits: { completed: number; failed: number; cancelled: number };
  adobeCalls: { submit: number; status: number };
  /** Adobe 429 replies met by the tenant's edits. */
  rateLimited: number;
  /** Bytes of the outputs of completed edits. */
  outputBytes: number;
  /** Adobe's processing time of completed edits, from submit to Adobe's finish. */
  adobeSeconds: number;
}

export interface UsageReport {
  /** The start of the first hour summed (`since` rounded down to the hour). */
  since: Date;
  until: Date;
  /** By tenant name. */
  tenants: TenantUsageTotals[];
}

export interface TenantUsageOptions {
  /** A connection the store borrows and never closes; a Cluster works (one hash tag). */
  redis: Redis | Cluster;
  /** The queue's key prefix. @defaultValue '{darkroom}' */
  prefix?: string;
  /** @defaultValue 'edits' */
  queueName?: string;
  /** The clock that picks the hour. @defaultValue Date.now */
  now?: () => number;
}

const hourOf = (at: number): string => new Date(at).toISOString().slice(0, 13);

function totalsOf(tenant: string, sums: Record<UsageField, number>): TenantUsageTotals {
  return {
    tenant,
    edits: {
      completed: sums.edits_completed,
      failed: sums.edits_failed,
      cancelled: sums.edits_cancelled,
    },
    adobeCalls: { submit: sums.submits, status: sums.status_reads },
    rateLimited: sums.rate_limited,
    outputBytes: sums.output_bytes,
    adobeSeconds: sums.remote_ms / 1000,
  };
}

const zeroSums = (): Record<UsageField, number> =>
  Object.fromEntries(usageFields.map((f) => [f, 0])) as Record<UsageField, number>;

/**
 * What each tenant used, per UTC hour: a Redis hash per tenant and hour
 * (`<prefix>:<queue>:tenants:<tenant>:usage:<YYYY-MM-DDTHH>`) and a set of the hour's tenants
 * (`<prefix>:<queue>:tenants:hours:<YYYY-MM-DDTHH>`), all kept 8 days.
 */
export class TenantUsage {
  private readonly redis: Redis | Cluster;
  private readonly base: string;
  private readonly now: () => number;

  constructor(options: TenantUsageOptions) {
    this.redis = options.redis;
    this.base = `${options.prefix ?? DEFAULT_PREFIX}:${options.queueName ?? DEFAULT_QUEUE}:tenants`;
    this.now = options.now ?? Date.now;
  }

  private hashKey(tenant: string, hour: string): string {
    return `${this.base}:${tenant}:usage:${hour}`;
  }

  private hourKey(hour: string): string {
    return `${this.base}:hours:${hour}`;
  }

  /** Adds `deltas` to the tenant's current hour (no tenant: `default`); zeros are skipped. */
  async record(tenant: string | undefined, deltas: UsageDeltas): Promise<void> {
    const entries = usageFields
      .map((field) => [field, Math.round(deltas[field] ?? 0)] as const)
      .filter(([, n]) => Number.isFinite(n) && n !== 0);
    if (entries.length === 0) return;
    const name = tenantOf(tenant);
    const hour = hourOf(this.now());
    const key = this.hashKey(name, hour);
    const pipeline = this.redis.multi();
    for (const [field, n] of entries) pipeline.hincrby(key, field, n);
    pipeline.pexpire(key, USAGE_RETENTION_MS);
    pipeline.sadd(this.hourKey(hour), name);
    pipeline.pexpire(this.hourKey(hour), USAGE_RETENTION_MS);
    await pipeline.exec();
  }

  /** Every tenant's usage (or `tenant`'s alone) from the hour of `since` to now, by name. */
  async report(options: { since: Date; tenant?: string }): Promise<UsageReport> {
    const until = this.now();
    const first = Math.floor(options.since.getTime() / HOUR_MS) * HOUR_MS;
    const hours: string[] = [];
    for (let at = first; at <= until; at += HOUR_MS) hours.push(hourOf(at));
    const keys = await this.bucketKeys(hours, options.tenant);
    const read = this.redis.pipeline();
    for (const { key } of keys) read.hgetall(key);
    const replies = keys.length === 0 ? [] : ((await read.exec()) ?? []);
    const sums = new Map<string, Record<UsageField, number>>();
    keys.forEach(({ tenant }, i) => {
      const [err, hash] = replies[i] ?? [];
      if (err) throw err;
      const row = sums.get(tenant) ?? zeroSums();
      for (const field of usageFields) {
        row[field] += Number((hash as Record<string, string> | undefined)?.[field] ?? 0);
      }
      sums.set(tenant, row);
    });
    return {
      since: new Date(first),
      until: new Date(until),
      tenants: [...sums.keys()].sort().map((tenant) => totalsOf(tenant, sums.get(tenant)!)),
    };
  }

  private async bucketKeys(
    hours: string[],
    tenant: string | undefined,
  ): Promise<{ tenant: string; key: string }[]> {
    if (tenant !== undefined) {
      return hours.map((hour) => ({ tenant, key: this.hashKey(tenant, hour) }));
    }
    const list = this.redis.pipeline();
    for (const hour of hours) list.smembers(this.hourKey(hour));
    const replies = (await list.exec()) ?? [];
    return hours.flatMap((hour, i) => {
      const [err, members] = replies[i] ?? [];
      if (err) throw err;
      return (members as string[]).map((name) => ({ tenant: name, key: this.hashKey(name, hour) }));
    });
  }
}
