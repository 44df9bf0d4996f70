import { z } from 'zod';
import { parseEnv, type EnvSource } from '@darkroom/config';
import { storageConfigSchema, type StorageConfig } from '@darkroom/storage';
import {
  accountSchema,
  redisTargetFromEnv,
  type AccountConfig,
  type RedisTarget,
} from '@darkroom/jobs';

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

const envSchema = z
  .object({
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    /** Seed nodes (`host:port,host:port`) of a Redis Cluster; REDIS_URL then gives credentials and TLS. */
    REDIS_CLUSTER_NODES: z.string().optional(),
    DARKROOM_PREFIX: z.string().min(1).default('{darkroom}'),
    DARKROOM_QUEUE: z.string().min(1).default('edits'),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
    WORKER_HOST: z.string().default('0.0.0.0'),
    WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    /** Must stay below the pod's termination grace period. */
    WORKER_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).default(20_000),
    /** A consumer that took nothing for this long while jobs wait is reported (and restarted). */
    WORKER_WEDGE_AFTER_MS: z.coerce.number().int().min(1_000).default(20_000),
    WORKER_REQUIRE_NOEVICTION: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    ADOBE_ACCOUNTS: json(
      z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), accountSchema),
      'ADOBE_ACCOUNTS',
    ).optional(),
    ADOBE_CLIENT_ID: z.string().optional(),
    ADOBE_CLIENT_SECRET: z.string().optional(),
    ADOBE_ORG_ID: z.string().optional(),
    ADOBE_IMS_URL: z.url().optional(),
    ADOBE_API_URL: z.url().optional(),
    ADOBE_API_V2_URL: z.url().optional(),
    DARKROOM_STORAGE: json(storageConfigSchema, 'DARKROOM_STORAGE').optional(),
    /**
     * Multiplies every rate-budget window, like the emulator's time factor: 0.01 turns Adobe's
     * 15 per 3 s into 15 per 30 ms, matching an emulator started with `--time-factor 0.01`.
     */
    BUDGET_TIME_SCALE: z.coerce.number().positive().default(1),
    /** Share of Adobe's soft limits the fleet leaves unused (0.034: 14 submits per 3 s of 15). */
    BUDGET_HEADROOM: z.coerce.number().min(0).max(0.9).default(0.034),
    API_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    /** Expected remote duration is multiplied by this until the estimate has learned (emulator runs). */
    EXPECTED_DURATION_SCALE: z.coerce.number().positive().default(1),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.ADOBE_CLIENT_ID && !env.ADOBE_CLIENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADOBE_CLIENT_SECRET'],
        message: 'required when ADOBE_CLIENT_ID is set',
      });
    }
    if (!env.ADOBE_ACCOUNTS && !env.ADOBE_CLIENT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADOBE_CLIENT_ID'],
        message:
          'configure at least one Adobe account: ADOBE_CLIENT_ID/ADOBE_CLIENT_SECRET or ADOBE_ACCOUNTS',
      });
    }
  });

export interface WorkerConfig {
  /** Redis or Redis Cluster, from REDIS_URL and REDIS_CLUSTER_NODES. */
  redis: RedisTarget;
  prefix: string;
  queueName: string;
  concurrency: number;
  host: string;
  port: number;
  drainTimeoutMs: number;
  wedgeAfterMs: number;
  requireNoeviction: boolean;
  accounts: Record<string, AccountConfig>;
  storage: StorageConfig;
  budgetTimeScale: number;
  budgetHeadroom: number;
  apiTimeoutMs: number;
  expectedDurationScale: number;
  logLevel: string;
}

/** Reads the worker's configuration from an environment-like object; throws `ConfigError`. */
export function parseWorkerConfig(source: EnvSource): WorkerConfig {
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
    prefix: env.DARKROOM_PREFIX,
    queueName: env.DARKROOM_QUEUE,
    concurrency: env.WORKER_CONCURRENCY,
    host: env.WORKER_HOST,
    port: env.WORKER_PORT,
    drainTimeoutMs: env.WORKER_DRAIN_TIMEOUT_MS,
    wedgeAfterMs: env.WORKER_WEDGE_AFTER_MS,
    requireNoeviction: env.WORKER_REQUIRE_NOEVICTION,
    accounts,
    storage: env.DARKROOM_STORAGE ?? {},
    budgetTimeScale: env.BUDGET_TIME_SCALE,
    budgetHeadroom: env.BUDGET_HEADROOM,
    apiTimeoutMs: env.API_TIMEOUT_MS,
    expectedDurationScale: env.EXPECTED_DURATION_SCALE,
    logLevel: env.LOG_LEVEL,
  };
}
