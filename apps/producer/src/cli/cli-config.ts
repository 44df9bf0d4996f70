import { z } from 'zod';
import { parseEnv, type EnvSource } from '@darkroom/config';
import {
  accountSchema,
  describeTarget,
  type AccountConfig,
  redisTargetFromEnv,
  type RedisTarget,
} from '@darkroom/jobs';
import { storageConfigSchema, type StorageConfig } from '@darkroom/storage';

const json = <T extends z.ZodType>(schema: T, what: string) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `${what} must be JSON` });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** The worker's variable names, so one environment serves the worker and `darkroom doctor`. */
const envSchema = z
  .object({
    REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
    /** Seed nodes (`host:port,...`) of a Redis Cluster; REDIS_URL then gives credentials and TLS. */
    REDIS_CLUSTER_NODES: z.string().optional(),
    DARKROOM_PREFIX: z.string().min(1).default('{darkroom}'),
    DARKROOM_QUEUE: z.string().min(1).default('edits'),
    ADOBE_ACCOUNTS: json(
      z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), accountSchema),
      'ADOBE_ACCOUNTS',
    ).optional(),
    ADOBE_CLIENT_ID: z.string().min(1).optional(),
    ADOBE_CLIENT_SECRET: z.string().min(1).optional(),
    ADOBE_ORG_ID: z.string().optional(),
    ADOBE_IMS_URL: z.url().optional(),
    ADOBE_API_URL: z.url().optional(),
    ADOBE_API_V2_URL: z.url().optional(),
    DARKROOM_STORAGE: json(storageConfigSchema, 'DARKROOM_STORAGE').optional(),
    /** Comma-separated storage references `darkroom doctor` writes, stats and reads back. */
    DARKROOM_DOCTOR_PROBES: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.ADOBE_CLIENT_ID && !env.ADOBE_CLIENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADOBE_CLIENT_SECRET'],
        message: 'required when ADOBE_CLIENT_ID is set',
      });
    }
  });

export interface CliConfig {
  /** Redis or Redis Cluster, from REDIS_URL and REDIS_CLUSTER_NODES. */
  redis: RedisTarget;
  /** host:port, never the password. */
  redisTarget: string;
  prefix: string;
  queueName: string;
  accounts: Record<string, AccountConfig>;
  storage: StorageConfig | undefined;
  probes: string[];
}

/** Reads the CLI's configuration from an environment-like object; throws `ConfigError`. */
export function parseCliConfig(source: EnvSource): CliConfig {
  const env = parseEnv(envSchema, source);
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
  return {
    redis: redisTargetFromEnv(env),
    redisTarget: describeTarget(redisTargetFromEnv(env)),
    prefix: env.DARKROOM_PREFIX,
    queueName: env.DARKROOM_QUEUE,
    accounts,
    storage: env.DARKROOM_STORAGE,
    probes: (env.DARKROOM_DOCTOR_PROBES ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  };
}
