export {
  TenantUsage,
  USAGE_RETENTION_MS,
  usageFields,
  type TenantUsageOptions,
  type TenantUsageTotals,
  type UsageDeltas,
  type UsageField,
  type UsageReport,
} from './tenant-usage';
export { MAX_USAGE_WINDOW_MS, UsageQueryError, parseUsageSince } from './usage-since';
