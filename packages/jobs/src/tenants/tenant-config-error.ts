import { JobsError } from '../errors/jobs-error';

/** One problem of `DARKROOM_TENANTS`: the tenant it is about (absent for the whole value). */
export interface TenantConfigIssue {
  tenant?: string;
  /** The setting or rule broken: `json`, `object`, `name`, `reserved`, `weight`, `maxPerDay`… */
  rule: string;
  message: string;
}

/** `DARKROOM_TENANTS` is not valid; the message names the variable, each tenant and rule. */
export class TenantConfigError extends JobsError {
  readonly issues: readonly TenantConfigIssue[];
  constructor(issues: readonly TenantConfigIssue[]) {
    super(`DARKROOM_TENANTS: ${issues.map(describeTenantIssue).join('; ')}`);
    this.issues = issues;
  }
}

/** `tenant "shop-1": weight must be from 1 to 1000`, or the message alone for the whole value. */
export function describeTenantIssue(issue: TenantConfigIssue): string {
  return issue.tenant === undefined
    ? issue.message
    : `tenant ${JSON.stringify(issue.tenant)}: ${issue.message}`;
}
