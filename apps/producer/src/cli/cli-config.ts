import type { LegacyPolicy } from '@darkroom/photoshop';
import { DEFAULT_CALLBACK_QUEUE } from '@darkroom/callbacks';
import { z } from 'zod';
import { parseEnv, type EnvSource } from '@darkroom/config';
import {
  accountsFromEnv,
  checkAdobePair,
  describeTarget,
  redisTargetFromEnv,
  runtimeEnvShape,
  type AccountConfig,
  type RedisTarget,
  type TenantConfig,
} from '@darkroom/jobs';
import type { StorageConfig } from '@darkroom/storage';

/** Whether `text` is a URL ioredis can connect to: `redis://` or `rediss://`, host, port. */
function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The CLI checks REDIS_URL and REDIS_CLUSTER_NODES here, before anything connects: a value
 * that is not one fails as bad configuration (exit 2) naming the variable, not as a crash of
 * the URL parser (exit 1) or as Redis being down (exit 3).
 */
const redisEnvShape = {
  REDIS_URL: z
    .string()
    .refine(isRedisUrl, 'must be a URL such as redis://host:6379 or rediss://user:pass@host:6380')
    .default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^\s*$|^\s*[^\s,]+:\d{1,5}\s*(,\s*[^\s,]+:\d{1,5}\s*)*$/, 'must be host:port,host:port')
    .optional(),
};

/** The worker's variable names, so one environment serves the worker and `darkroom doctor`. */
const envSchema = z
  .object({
    ...runtimeEnvShape,
    ...redisEnvShape,
    /** How much `--log-json` logs; `--verbose` logs at debug whatever this says. */
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /** Comma-separated storage references `darkroom doctor` writes, stats and reads back. */
    DARKROOM_DOCTOR_PROBES: z.string().optional(),
    /** The queue callbacks are delivered from (the workers' DARKROOM_CALLBACK_QUEUE). */
    DARKROOM_CALLBACK_QUEUE: z.string().min(1).default(DEFAULT_CALLBACK_QUEUE),
  })
  .superRefine(checkAdobePair);

export interface CliConfig {
  /** Redis or Redis Cluster, from REDIS_URL and REDIS_CLUSTER_NODES. */
  redis: RedisTarget;
  /** host:port, never the password. */
  redisTarget: string;
  prefix: string;
  queueName: string;
  /** Operations of APIs Adobe has retired: refused at intake, or allowed (a grace period). */
  legacyApi: LegacyPolicy;
  accounts: Record<string, AccountConfig>;
  storage: StorageConfig | undefined;
  probes: string[];
  /** The callbacks queue, for `status` and `callbacks`. */
  callbackQueue: string;
  /** DARKROOM_TENANTS, read as the worker and the producer read it. */
  tenants: TenantConfig;
  /** LOG_LEVEL, for `--log-json`. */
  logLevel: string;
}

/** Reads the CLI's configuration from an environment-like object; throws `ConfigError`. */
export function parseCliConfig(source: EnvSource): CliConfig {
  const env = parseEnv(envSchema, source);
  const accounts = accountsFromEnv(env);
  return {
    redis: redisTargetFromEnv(env),
    redisTarget: describeTarget(redisTargetFromEnv(env)),
    prefix: env.DARKROOM_PREFIX,
    queueName: env.DARKROOM_QUEUE,
    legacyApi: env.DARKROOM_LEGACY_API,
    accounts,
    storage: env.DARKROOM_STORAGE,
    callbackQueue: env.DARKROOM_CALLBACK_QUEUE,
    tenants: env.DARKROOM_TENANTS,
    logLevel: env.LOG_LEVEL,
    probes: (env.DARKROOM_DOCTOR_PROBES ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  };
}
