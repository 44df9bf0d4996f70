export { ObservabilityError } from './observability-error';
export {
  CALLBACK_OUTCOMES,
  PipelineMetrics,
  RECONCILIATION_OUTCOMES,
} from './metrics/pipeline-metrics';
export type {
  CallbackOutcome,
  JobTimings,
  PipelineMetricsOptions,
  ReconciliationOutcome,
} from './metrics/pipeline-metrics';
export {
  ADOBE_DOCUMENTED_STATUSES,
  ApiMetrics,
  BUDGET_CLASSES,
  ENDPOINT_CLASSES,
  STATUS_CLASSES,
  STATUS_LABELS,
  statusClassOf,
  statusLabelOf,
} from './metrics/api-metrics';
export type {
  ApiMetricsOptions,
  BudgetClass,
  EndpointClass,
  StatusClass,
} from './metrics/api-metrics';
export { BudgetMetrics } from './metrics/budget-metrics';
export { HttpMetrics, UNMATCHED_ROUTE } from './metrics/http-metrics';
export type { HttpMetricsOptions } from './metrics/http-metrics';
export type { BudgetMetricsOptions } from './metrics/budget-metrics';
export { QUEUE_STATES, QueueMetrics } from './metrics/queue-metrics';
export { TENANT_CALL_KINDS, TENANT_EDIT_OUTCOMES, TenantMetrics } from './metrics/tenant-metrics';
export { RUN_OUTCOMES, RunMetrics, type RunOutcome } from './metrics/run-metrics';
export type {
  TenantCallKind,
  TenantEditOutcome,
  TenantMetricsOptions,
} from './metrics/tenant-metrics';
export { BOUNDED_LABEL_VALUES } from './metrics/label-values';
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
