export { ObservabilityError } from './observability-error';
export { PipelineMetrics } from './metrics/pipeline-metrics';
export type { PipelineMetricsOptions, JobTimings } from './metrics/pipeline-metrics';
export { ApiMetrics, statusClassOf } from './metrics/api-metrics';
export type {
  ApiMetricsOptions,
  BudgetClass,
  EndpointClass,
  StatusClass,
} from './metrics/api-metrics';
export { BudgetMetrics } from './metrics/budget-metrics';
export type { BudgetMetricsOptions } from './metrics/budget-metrics';
export { QueueMetrics } from './metrics/queue-metrics';
export { TenantMetrics } from './metrics/tenant-metrics';
export type { TenantEditOutcome, TenantMetricsOptions } from './metrics/tenant-metrics';
export type { QueueCounts, QueueMetricsOptions, QueueSnapshot } from './metrics/queue-metrics';
export { collectProcessMetrics } from './metrics/process-metrics';
export type { ProcessMetricsOptions } from './metrics/process-metrics';
export { countSeries } from './metrics/count-series';
export { boundLabel, reasonLabel } from './metrics/labels';
export {
  JOB_SECONDS_BUCKETS,
  POLL_COUNT_BUCKETS,
  REQUEST_SECONDS_BUCKETS,
  WAIT_SECONDS_BUCKETS,
} from './metrics/buckets';
export { createLogger } from './logging/create-logger';
export type { CreateLoggerOptions, Logger } from './logging/create-logger';
export { scopeJobLogger } from './logging/scope-job-logger';
export type { JobScope } from './logging/scope-job-logger';
/**
 * The rule every log line passes through, for text a caller prints without a logger. Its home is
 * `@darkroom/core`; new code imports it from there.
 */
export { redactSecrets } from '@darkroom/core';
export { Registry } from 'prom-client';
