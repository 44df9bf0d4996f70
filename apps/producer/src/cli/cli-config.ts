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

/** The worker's variable names, so one environment serves the worker and `darkroom doctor`. */
const envSchema = z
  .object({
    ...runtimeEnvShape,
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
    probes: (env.DARKROOM_DOCTOR_PROBES ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  };
}
