export {
  ANY_TENANT,
  DEFAULT_TENANT,
  NO_TENANT_CONFIG,
  OTHER_TENANT_LABEL,
  parseTenantConfig,
  tenantLabel,
  tenantOf,
  tenantPolicy,
  type TenantConfig,
  type TenantPolicy,
} from './tenant-config';
export {
  TenantConfigError,
  describeTenantIssue,
  type TenantConfigIssue,
} from './tenant-config-error';
export { QuotaExceededError, type QuotaRefusal } from './quota-exceeded-error';
export { TenantQuota, type QuotaReservation, type TenantQuotaOptions } from './tenant-quota';
