import type { Job } from 'bullmq';
import { coerceError } from '@darkroom/core';
import {
  NO_TENANT_CONFIG,
  tenantLabel,
  type EditJobData,
  type EditJobResult,
  type FailureReason,
  type TenantConfig,
  type TenantUsage,
  type UsageDeltas,
} from '@darkroom/jobs';
import type { Logger, TenantMetrics } from '@darkroom/observability';

/** Where per-tenant usage goes besides the metrics: the Redis store behind `GET /v1/usage`. */
export interface TenantAccounting {
  /** DARKROOM_TENANTS: which tenants get a metric label of their own. */
  config: TenantConfig;
  /** Hourly usage per tenant; absent: metrics only. */
  usage?: TenantUsage;
}

/** What a tenant's edit used, in the step machine's terms. */
export interface TenantUsageRecorder {
  submitted(job: Job<EditJobData>): void;
  polled(job: Job<EditJobData>): void;
  completed(job: Job<EditJobData>, result: EditJobResult): void;
  failed(job: Job<EditJobData>, reason: FailureReason): void;
}

/**
 * Counts each tenant's usage in `TenantMetrics` and, when a store is given, in `TenantUsage`.
 * Store writes run in the background: a Redis error costs a log line, never the edit.
 * 429s reach the step observer by account only, so they are counted from the edit's own count
 * (`rateLimited`, per round) when the round ends.
 */
export function createUsageRecorder(
  metrics: TenantMetrics,
  logger: Logger,
  accounting: TenantAccounting = { config: NO_TENANT_CONFIG },
): TenantUsageRecorder {
  const label = (job: Job<EditJobData>): string => tenantLabel(accounting.config, job.data.tenant);
  const store = (job: Job<EditJobData>, deltas: UsageDeltas): void => {
    accounting.usage?.record(job.data.tenant, deltas).catch((err: unknown) => {
      logger.warn(
        { jobId: String(job.id), err: coerceError(err).message },
        'tenant usage not recorded',
      );
    });
  };
  const rateLimitedOf = (job: Job<EditJobData>): number => job.data.rateLimited ?? 0;
  return {
    submitted: (job) => {
      metrics.adobeCall(label(job), 'submit');
      store(job, { submits: 1 });
    },
    polled: (job) => {
      metrics.adobeCall(label(job), 'status');
      store(job, { status_reads: 1 });
    },
    completed: (job, result) => {
      const tenant = label(job);
      const bytes = result.outputs.reduce((sum, output) => sum + output.size, 0);
      metrics.edit(tenant, 'completed');
      metrics.outputBytes(tenant, bytes);
      metrics.remoteSeconds(tenant, result.timings.remoteMs / 1000);
      metrics.rateLimited(tenant, rateLimitedOf(job));
      store(job, {
        edits_completed: 1,
        output_bytes: bytes,
        remote_ms: result.timings.remoteMs,
        rate_limited: rateLimitedOf(job),
      });
    },
    failed: (job, reason) => {
      const tenant = label(job);
      const cancelled = reason === 'cancelled';
      metrics.edit(tenant, cancelled ? 'cancelled' : 'failed');
      metrics.rateLimited(tenant, rateLimitedOf(job));
      store(job, {
        [cancelled ? 'edits_cancelled' : 'edits_failed']: 1,
        rate_limited: rateLimitedOf(job),
      });
    },
  };
}
