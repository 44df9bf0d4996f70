import { fairBacklog, TenantUsage, type TenantUsageTotals, type UsageReport } from '@darkroom/jobs';
import { type Cluster, type Redis } from 'ioredis';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * The span a window's counts cover. Usage is kept in whole UTC hours, so a window starts at the
 * top of the hour its nominal start falls in: the `hour` window covers 60 to 120 minutes, the
 * `day` window 24 to 25 hours.
 */
export interface UsageWindow {
  since: string;
  until: string;
  minutes: number;
}

/** One tenant's counts over a window. */
export interface TenantCounts {
  completed: number;
  failed: number;
  cancelled: number;
  /** Adobe submits (POSTs) made for the tenant's edits. */
  submits: number;
  /** `submits` divided by the window's minutes, to two decimals. */
  submitsPerMinute: number;
  /** Adobe 429 replies met by the tenant's edits. */
  rateLimited: number;
}

export interface TenantRow {
  tenant: string;
  /** Edits parked in the tenant's lines, waiting for admission (all accounts). */
  waiting: number;
  /** The same backlog by Adobe account, accounts with waiting edits only. */
  accounts: { account: string; waiting: number }[];
  hour: TenantCounts;
  day: TenantCounts;
}

export interface QueueTenants {
  queue: string;
  windows: { hour: UsageWindow; day: UsageWindow };
  /** Every tenant with a backlog or with usage in the day window, by name. */
  tenants: TenantRow[];
}

export interface TenantsSnapshot {
  generatedAt: string;
  queues: QueueTenants[];
}

export interface TenantsSnapshotOptions {
  /** BullMQ key prefix of the queues, e.g. `'{darkroom}'`. */
  prefix: string;
  /** Edit queues whose tenants are shown. */
  queues: readonly string[];
  /** @defaultValue Date.now */
  now?: () => number;
}

function windowOf(report: UsageReport): UsageWindow {
  const span = report.until.getTime() - report.since.getTime();
  return {
    since: report.since.toISOString(),
    until: report.until.toISOString(),
    minutes: Math.max(1, Math.round(span / MINUTE_MS)),
  };
}

function countsOf(totals: TenantUsageTotals | undefined, window: UsageWindow): TenantCounts {
  const submits = totals?.adobeCalls.submit ?? 0;
  return {
    completed: totals?.edits.completed ?? 0,
    failed: totals?.edits.failed ?? 0,
    cancelled: totals?.edits.cancelled ?? 0,
    submits,
    submitsPerMinute: Math.round((submits / window.minutes) * 100) / 100,
    rateLimited: totals?.rateLimited ?? 0,
  };
}

async function queueTenants(
  redis: Redis | Cluster,
  prefix: string,
  queue: string,
  now: () => number,
): Promise<QueueTenants> {
  const usage = new TenantUsage({ redis, prefix, queueName: queue, now });
  const at = now();
  const [backlog, hourReport, dayReport] = await Promise.all([
    fairBacklog(redis, { prefix, queueName: queue }),
    usage.report({ since: new Date(at - HOUR_MS) }),
    usage.report({ since: new Date(at - DAY_MS) }),
  ]);
  const windows = { hour: windowOf(hourReport), day: windowOf(dayReport) };
  const hourBy = new Map(hourReport.tenants.map((t) => [t.tenant, t]));
  const dayBy = new Map(dayReport.tenants.map((t) => [t.tenant, t]));
  const names = new Set([...backlog.map((b) => b.tenant), ...dayBy.keys(), ...hourBy.keys()]);
  const tenants = [...names].sort().map((tenant): TenantRow => {
    const accounts = backlog
      .filter((b) => b.tenant === tenant)
      .map(({ account, waiting }) => ({ account, waiting }));
    return {
      tenant,
      waiting: accounts.reduce((sum, a) => sum + a.waiting, 0),
      accounts,
      hour: countsOf(hourBy.get(tenant), windows.hour),
      day: countsOf(dayBy.get(tenant), windows.day),
    };
  });
  return { queue, windows, tenants };
}

/**
 * Per tenant of each queue: the backlog parked for fair dispatch and the usage of the last hour
 * and day (edits completed, failed and cancelled, submits and their rate, 429s). Only names and
 * counts: nothing here can carry a URL or a secret.
 */
export async function tenantsSnapshot(
  redis: Redis | Cluster,
  options: TenantsSnapshotOptions,
): Promise<TenantsSnapshot> {
  const now = options.now ?? Date.now;
  const queues = await Promise.all(
    options.queues.map((queue) => queueTenants(redis, options.prefix, queue, now)),
  );
  return { generatedAt: new Date(now()).toISOString(), queues };
}
