export { createDashboard, DashboardOptionsError } from './create-dashboard';
export type { Dashboard } from './create-dashboard';
export type { DashboardOptions } from './dashboard-options';
export { AuthConfigError, ROLES, parseTokens, parseUsers } from './auth/auth-config';
export type { AuthConfig, BasicUser, BearerToken, Role } from './auth/auth-config';
export { authenticate, roleFor, REALM } from './auth/authenticate';
export { adminForWrites } from './auth/authorize';
export { safeEqual } from './auth/safe-equal';
export { formatJobName, formatJobPayload, statusPath } from './job-view/format-job';
export { editJobView } from './job-view/edit-job-view';
export type { EditViewLinks } from './job-view/edit-job-view';
export { searchPaths } from './search/search-router';
export { runsPaths } from './runs/runs-router';
export { RUNS_PAGE_CSP } from './runs/runs-page';
export type { QueueRuns } from './runs/runs-page';
export {
  RUN_LIST_STATES,
  RUNS_MAX_SCAN,
  RUNS_PER_QUEUE,
  RUNS_QUERY_FIELDS,
  runListStates,
} from './runs/runs-query';
export type { RunListState, RunsQuery } from './runs/runs-query';
export { latestRuns } from './runs/latest-runs';
export type { LatestRunsOptions } from './runs/latest-runs';
export { SEARCH_PAGE_CSP, boardJobPath } from './search/search-page';
export type { QueueMatches } from './search/search-page';
export { dashboardConfigFromEnv } from './dashboard-env';
export type { DashboardConfig } from './dashboard-env';
export { tenantsSnapshot } from './tenants/tenants-snapshot';
export type {
  QueueTenants,
  TenantCounts,
  TenantRow,
  TenantsSnapshot,
  TenantsSnapshotOptions,
  UsageWindow,
} from './tenants/tenants-snapshot';
export { TENANTS_PAGE_CSP, TENANTS_REFRESH_SECONDS } from './tenants/tenants-page';
export { escapeHtml } from './html/escape-html';
export { tenantsPaths } from './tenants/tenants-router';
