import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  TenantUsage,
  parseTenantConfig,
  type EditJobData,
  type EditJobResult,
} from '@darkroom/jobs';
import { guardAgainstLeaks, redisClient, uniqueName, waitFor } from '@darkroom/testing';
import {
  createMetricsObserver,
  createWorkerMetrics,
  type WorkerMetrics,
} from '../src/metrics-observer';
import { capturedLogger } from './support/log-capture';

guardAgainstLeaks();

/** A job as the observer reads it, of `tenant`, with `rateLimited` 429s met this round. */
const jobOf = (tenant: string | undefined, rateLimited = 0) =>
  ({
    id: uniqueName('job'),
    data: {
      request: { operation: 'renditionCreate' },
      account: 'acme',
      step: 'poll',
      ...(tenant ? { tenant } : {}),
      ...(rateLimited ? { rateLimited } : {}),
    },
    attemptsMade: 0,
    opts: { attempts: 4 },
  }) as unknown as Job<EditJobData>;

const result = {
  outputs: [
    { ref: 's3://out/a.jpg', size: 1000 },
    { ref: 's3://out/b.png', size: 500 },
  ],
  polls: 2,
  submits: 1,
  confirmedBy: 'status',
  timings: {
    enqueuedAt: 1_000,
    startedAt: 1_500,
    submittedAt: 2_000,
    remoteFinishedAt: 4_500,
    completedAt: 5_000,
    queuedMs: 500,
    remoteMs: 2_500,
    detectionLagMs: 500,
  },
} as EditJobResult;

/** Every series of one metric, as `labels → value`. */
async function seriesOf(metrics: WorkerMetrics, name: string): Promise<Record<string, number>> {
  const metric = await metrics.register.getSingleMetric(name)?.get();
  return Object.fromEntries(
    (metric?.values ?? []).map((v) => [Object.values(v.labels).join(','), v.value]),
  );
}

describe('tenant usage from the step observer', () => {
  let redis: Redis;
  let queueName: string;
  beforeAll(() => {
    redis = redisClient();
  });
  beforeEach(() => {
    queueName = uniqueName('usage');
  });
  afterEach(async () => {
    const keys = await redis.keys(`{darkroom}:${queueName}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('records each tenant in the usage store and in bounded metrics', async () => {
    const metrics = createWorkerMetrics();
    const usage = new TenantUsage({ redis, queueName });
    const config = parseTenantConfig('{"shop-1":{"weight":2}}');
    const observer = createMetricsObserver(metrics, capturedLogger().logger, { config, usage });

    const shop = jobOf('shop-1', 2);
    observer.submitted?.(shop, { remoteJobId: 'r-1' });
    observer.polled?.(shop, { state: 'running' });
    observer.polled?.(shop, { state: 'succeeded' });
    observer.completed?.(shop, result);
    observer.failed?.(jobOf('walk-in-1'), 'remote_failed', 'Adobe failed the job');
    observer.failed?.(jobOf('walk-in-2', 1), 'cancelled', 'cancelled by the caller');
    observer.submitted?.(jobOf(undefined), {});

    const since = new Date(Date.now() - 60_000);
    const report = await waitFor(async () => {
      const r = await usage.report({ since });
      const done = r.tenants.find((t) => t.tenant === 'walk-in-2')?.edits.cancelled === 1;
      return done && r.tenants.find((t) => t.tenant === 'default') ? r : undefined;
    });
    expect(report.tenants.map((t) => t.tenant)).toEqual([
      'default',
      'shop-1',
      'walk-in-1',
      'walk-in-2',
    ]);
    expect(report.tenants[1]).toEqual({
      tenant: 'shop-1',
      edits: { completed: 1, failed: 0, cancelled: 0 },
      adobeCalls: { submit: 1, status: 2 },
      rateLimited: 2,
      outputBytes: 1500,
      adobeSeconds: 2.5,
    });
    expect(report.tenants[3]).toMatchObject({ edits: { cancelled: 1 }, rateLimited: 1 });

    // Unnamed tenants share the `other` series; edits without a tenant are `default`.
    expect(await seriesOf(metrics, 'darkroom_tenant_edits_total')).toEqual({
      'shop-1,completed': 1,
      'other,failed': 1,
      'other,cancelled': 1,
    });
    expect(await seriesOf(metrics, 'darkroom_tenant_adobe_calls_total')).toEqual({
      'shop-1,submit': 1,
      'shop-1,status': 2,
      'default,submit': 1,
    });
    expect(await seriesOf(metrics, 'darkroom_tenant_rate_limited_total')).toEqual({
      'shop-1': 2,
      other: 1,
    });
    expect(await seriesOf(metrics, 'darkroom_tenant_output_bytes_total')).toEqual({
      'shop-1': 1500,
    });
    expect(await seriesOf(metrics, 'darkroom_tenant_remote_seconds_total')).toEqual({
      'shop-1': 2.5,
    });
  });

  it('keeps metrics and logs a line when the store cannot be written', async () => {
    const metrics = createWorkerMetrics();
    const broken = redisClient();
    await broken.quit();
    const { logger, records } = capturedLogger();
    const observer = createMetricsObserver(metrics, logger, {
      config: parseTenantConfig('{}'),
      usage: new TenantUsage({ redis: broken, queueName }),
    });
    observer.completed?.(jobOf('shop-1'), result);
    const line = await waitFor(() => records().find((r) => r.msg === 'tenant usage not recorded'));
    expect(line).toMatchObject({ level: 'warn' });
    expect(await seriesOf(metrics, 'darkroom_tenant_edits_total')).toEqual({
      'other,completed': 1,
    });
  });
});
