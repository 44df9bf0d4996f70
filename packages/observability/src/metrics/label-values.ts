import { BUDGET_CLASSES, ENDPOINT_CLASSES, STATUS_CLASSES, STATUS_LABELS } from './api-metrics';
import { CALLBACK_OUTCOMES, RECONCILIATION_OUTCOMES } from './pipeline-metrics';
import { QUEUE_STATES } from './queue-metrics';
import { TENANT_CALL_KINDS, TENANT_EDIT_OUTCOMES } from './tenant-metrics';
import { RUN_OUTCOMES } from './run-metrics';

/**
 * Every value a label whose values this package fixes can take, by metric and label: what a
 * dashboard, an alert or a doc may select on. Labels absent here take values from outside:
 * operation, account, queue and tenant names from the configuration, and the codes of
 * `reason` (failures, retries, refused event deliveries) and of `darkroom_adobe_events_total`'s
 * `outcome`, which the packages that decide them define (`FAILURE_REASONS` and `eventOutcomes`
 * of `@darkroom/jobs`).
 */
export const BOUNDED_LABEL_VALUES: Readonly<
  Record<string, Readonly<Record<string, readonly string[]>>>
> = {
  darkroom_api_requests_total: {
    endpoint_class: ENDPOINT_CLASSES,
    status_class: STATUS_CLASSES,
    status: STATUS_LABELS,
  },
  darkroom_api_request_duration_seconds: {
    endpoint_class: ENDPOINT_CLASSES,
    status_class: STATUS_CLASSES,
  },
  darkroom_api_rate_limited_total: { class: BUDGET_CLASSES },
  darkroom_api_retry_after_seconds: { class: BUDGET_CLASSES },
  darkroom_budget_granted_total: { class: BUDGET_CLASSES },
  darkroom_budget_wait_seconds: { class: BUDGET_CLASSES },
  darkroom_budget_effective_rate_per_second: { class: BUDGET_CLASSES },
  darkroom_submit_reconciliations_total: { outcome: RECONCILIATION_OUTCOMES },
  darkroom_callbacks_total: { outcome: CALLBACK_OUTCOMES },
  darkroom_queue_jobs: { state: QUEUE_STATES },
  darkroom_tenant_edits_total: { outcome: TENANT_EDIT_OUTCOMES },
  darkroom_tenant_adobe_calls_total: { kind: TENANT_CALL_KINDS },
  darkroom_recipe_runs_total: { outcome: RUN_OUTCOMES },
  darkroom_recipe_run_duration_seconds: { outcome: RUN_OUTCOMES },
};
