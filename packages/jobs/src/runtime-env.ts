import { z } from 'zod';
import { DEFAULT_PREFIX, DEFAULT_QUEUE } from './constants';
import { storageConfigSchema } from '@darkroom/storage';
import { accountSchema, type AccountConfig } from '@darkroom/photoshop';
import { NO_TENANT_CONFIG, parseTenantConfig } from './tenants/tenant-config';
import { TenantConfigError, describeTenantIssue } from './tenants/tenant-config-error';

/** An environment variable holding JSON, checked against `schema`. */
export const jsonEnv = <T extends z.ZodType>(schema: T, name: string) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} must be JSON` });
        return z.NEVER;
      }
    })
    .pipe(schema);

/**
 * The variables every Darkroom process that touches queues, Adobe or storage reads, with one
 * meaning everywhere: the worker, the CLI (`darkroom doctor`) and the producer share them.
 */
/**
 * DARKROOM_LEGACY_API: operations of an API Adobe has retired (v1, `/sensei`) are refused unless a
 * deployment allows them for a grace period; allowing them logs one warning at start-up.
 */
export const legacyApiEnv = z.enum(['refuse', 'allow']).default('refuse');

/**
 * DARKROOM_TENANTS: JSON `{ "<tenant>": { weight?, maxInFlight?, maxPerDay? }, "*": {...} }`,
 * parsed into a `TenantConfig` (unset: weight 1 and no quota for every tenant). Every problem is
 * an issue of the variable naming the tenant and the rule.
 */
export const tenantsEnv = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return NO_TENANT_CONFIG;
    try {
      return parseTenantConfig(text);
    } catch (err) {
      if (!(err instanceof TenantConfigError)) throw err;
      for (const issue of err.issues) {
        ctx.addIssue({ code: 'custom', message: describeTenantIssue(issue) });
      }
      return z.NEVER;
    }
  });

export const runtimeEnvShape = {
  DARKROOM_LEGACY_API: legacyApiEnv,
  DARKROOM_TENANTS: tenantsEnv,
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  /** Seed nodes (`host:port,...`) of a Redis Cluster; REDIS_URL then gives credentials and TLS. */
  REDIS_CLUSTER_NODES: z.string().optional(),
  DARKROOM_PREFIX: z.string().min(1).default(DEFAULT_PREFIX),
  DARKROOM_QUEUE: z.string().min(1).default(DEFAULT_QUEUE),
  ADOBE_ACCOUNTS: jsonEnv(
    z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), accountSchema),
    'ADOBE_ACCOUNTS',
  ).optional(),
  ADOBE_CLIENT_ID: z.string().min(1).optional(),
  ADOBE_CLIENT_SECRET: z.string().min(1).optional(),
  ADOBE_ORG_ID: z.string().optional(),
  ADOBE_IMS_URL: z.url().optional(),
  ADOBE_API_URL: z.url().optional(),
  ADOBE_API_V2_URL: z.url().optional(),
  DARKROOM_STORAGE: jsonEnv(storageConfigSchema, 'DARKROOM_STORAGE').optional(),
};

type RuntimeEnv = z.output<z.ZodObject<typeof runtimeEnvShape>>;

/** "ADOBE_CLIENT_SECRET is required when ADOBE_CLIENT_ID is set", as a superRefine step. */
export function checkAdobePair(
  env: Pick<RuntimeEnv, 'ADOBE_CLIENT_ID' | 'ADOBE_CLIENT_SECRET'>,
  ctx: z.RefinementCtx,
): void {
  if (env.ADOBE_CLIENT_ID && !env.ADOBE_CLIENT_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['ADOBE_CLIENT_SECRET'],
      message: 'required when ADOBE_CLIENT_ID is set',
    });
  }
}

/** Named accounts from ADOBE_ACCOUNTS, plus `default` from the ADOBE_CLIENT_* variables. */
export function accountsFromEnv(env: RuntimeEnv): Record<string, AccountConfig> {
  const accounts: Record<string, AccountConfig> = { ...(env.ADOBE_ACCOUNTS ?? {}) };
  if (env.ADOBE_CLIENT_ID && env.ADOBE_CLIENT_SECRET) {
    accounts.default = accountSchema.parse({
      clientId: env.ADOBE_CLIENT_ID,
      clientSecret: env.ADOBE_CLIENT_SECRET,
      ...(env.ADOBE_ORG_ID ? { orgId: env.ADOBE_ORG_ID } : {}),
      ...(env.ADOBE_IMS_URL ? { imsUrl: env.ADOBE_IMS_URL } : {}),
      ...(env.ADOBE_API_URL ? { v1BaseUrl: env.ADOBE_API_URL } : {}),
      ...(env.ADOBE_API_V2_URL ? { v2BaseUrl: env.ADOBE_API_V2_URL } : {}),
    });
  }
  return accounts;
}
