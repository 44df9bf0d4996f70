import { z } from 'zod';
import { editJobInputSchema } from '../edit-job';
import { TenantConfigError, type TenantConfigIssue } from './tenant-config-error';

/** The tenant of edits that name none. */
export const DEFAULT_TENANT = 'default';

/** The metric label of every tenant the configuration does not name, so series stay bounded. */
export const OTHER_TENANT_LABEL = 'other';

/** The key of `DARKROOM_TENANTS` whose policy applies to every tenant not named. */
export const ANY_TENANT = '*';

/** What Darkroom allows one tenant. */
export interface TenantPolicy {
  /**
   * The tenant's share of an Adobe organisation's submit budget against the other tenants
   * waiting on it (1 to 1000).
   * @defaultValue 1
   */
  weight: number;
  /** Most edits of the tenant in flight at Adobe at once. @defaultValue no limit */
  maxInFlight?: number;
  /** Most edits the tenant may enqueue per UTC day. @defaultValue no limit */
  maxPerDay?: number;
}

/** Parsed `DARKROOM_TENANTS`: policies by tenant name, and the one for every other tenant. */
export interface TenantConfig {
  readonly named: ReadonlyMap<string, TenantPolicy>;
  readonly fallback: TenantPolicy;
}

const BUILT_IN: TenantPolicy = { weight: 1 };

/** No `DARKROOM_TENANTS`: weight 1 and no quota for everyone. */
export const NO_TENANT_CONFIG: TenantConfig = { named: new Map(), fallback: BUILT_IN };

const positiveInt = (field: string) =>
  z
    .number({ error: `${field} must be a number` })
    .int(`${field} must be a whole number`)
    .min(1, `${field} must be at least 1`)
    .max(Number.MAX_SAFE_INTEGER, `${field} is too large`);

const policySchema = z
  .object({
    weight: z
      .number({ error: 'weight must be a number' })
      .min(1, 'weight must be from 1 to 1000')
      .max(1000, 'weight must be from 1 to 1000')
      .optional(),
    maxInFlight: positiveInt('maxInFlight').optional(),
    maxPerDay: positiveInt('maxPerDay').optional(),
  })
  .strict();

// One home for what a tenant name may be: the edit job's own `tenant` field.
const tenantNameSchema = editJobInputSchema.shape.tenant.unwrap();

function issueOf(tenant: string | undefined, rule: string, message: string): TenantConfigIssue {
  return { ...(tenant === undefined ? {} : { tenant }), rule, message };
}

function parsePolicy(tenant: string, value: unknown, issues: TenantConfigIssue[]): TenantPolicy {
  const parsed = policySchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.');
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown setting ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (weight, maxInFlight and maxPerDay are allowed)`
          : issue.code === 'invalid_type' && field === ''
            ? 'must be an object such as { "weight": 2, "maxPerDay": 1000 }'
            : issue.message;
      issues.push(issueOf(tenant, field || issue.code, message));
    }
    return BUILT_IN;
  }
  const { weight, maxInFlight, maxPerDay } = parsed.data;
  return {
    weight: weight ?? BUILT_IN.weight,
    ...(maxInFlight === undefined ? {} : { maxInFlight }),
    ...(maxPerDay === undefined ? {} : { maxPerDay }),
  };
}

function checkName(tenant: string, issues: TenantConfigIssue[]): boolean {
  if (tenant === OTHER_TENANT_LABEL) {
    issues.push(
      issueOf(tenant, 'reserved', `"${OTHER_TENANT_LABEL}" is the metric label of unnamed tenants`),
    );
    return false;
  }
  const name = tenantNameSchema.safeParse(tenant);
  if (name.success) return true;
  for (const issue of name.error.issues) issues.push(issueOf(tenant, 'name', issue.message));
  return false;
}

/**
 * Reads `DARKROOM_TENANTS`: `{ "<tenant>": { weight?, maxInFlight?, maxPerDay? }, "*": {...} }`.
 * A named tenant's missing settings take the built-in defaults (weight 1, no quota), not those
 * of `*`, which applies to tenants not named. Throws `TenantConfigError` listing every problem.
 */
export function parseTenantConfig(text: string): TenantConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TenantConfigError([issueOf(undefined, 'json', 'must be JSON')]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TenantConfigError([
      issueOf(undefined, 'object', 'must be a JSON object keyed by tenant name'),
    ]);
  }
  const issues: TenantConfigIssue[] = [];
  const named = new Map<string, TenantPolicy>();
  let fallback = BUILT_IN;
  for (const [tenant, value] of Object.entries(raw)) {
    if (tenant === ANY_TENANT) {
      fallback = parsePolicy(tenant, value, issues);
    } else if (checkName(tenant, issues)) {
      named.set(tenant, parsePolicy(tenant, value, issues));
    }
  }
  if (issues.length > 0) throw new TenantConfigError(issues);
  return { named, fallback };
}

/** The tenant an edit belongs to: its own, or `default`. */
export const tenantOf = (tenant: string | undefined): string => tenant ?? DEFAULT_TENANT;

/** What `tenant` is allowed: its own policy, else that of `*`, else weight 1 and no quota. */
export function tenantPolicy(config: TenantConfig, tenant: string | undefined): TenantPolicy {
  return config.named.get(tenantOf(tenant)) ?? config.fallback;
}

/**
 * The metric label of a tenant: its name when the configuration names it (and `default`, the
 * one tenant of edits without a label), else `other`. Series stay bounded by the config's size.
 */
export function tenantLabel(config: TenantConfig, tenant: string | undefined): string {
  const name = tenantOf(tenant);
  return name === DEFAULT_TENANT || config.named.has(name) ? name : OTHER_TENANT_LABEL;
}
