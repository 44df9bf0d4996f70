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
import { recipesFileEnv, scratchEnv } from '../config/recipe-env';

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

/**
 * Whether `text` can be the base URL of a producer: http or https with a host, and nothing a
 * base cannot carry (a query, a fragment) or that must not be printed (a user or password: the
 * token has a variable of its own).
 */
function isProducerUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.hostname !== '' &&
      url.username === '' &&
      url.password === '' &&
      url.search === '' &&
      url.hash === ''
    );
  } catch {
    return false;
  }
}

/** An empty variable counts as unset, so `DARKROOM_PRODUCER_URL=` switches back to Redis. */
const unsetWhenEmpty = (value: unknown): unknown => (value === '' ? undefined : value);

/**
 * The producer the edit commands talk to over HTTP (`@darkroom/client`) instead of Redis, and
 * the bearer token it takes. The token must be sendable as a header value as it stands.
 */
const producerEnvShape = {
  DARKROOM_PRODUCER_URL: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .refine(
        isProducerUrl,
        'must be the http or https URL of a producer, such as http://127.0.0.1:8080, without user, password, query or fragment',
      )
      .optional(),
  ),
  DARKROOM_PRODUCER_TOKEN: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .regex(/^[\x21-\x7e]+$/, "must be one of the producer's PRODUCER_TOKENS, without spaces")
      .optional(),
  ),
};

/** DARKROOM_PRODUCER_TOKEN is required once DARKROOM_PRODUCER_URL names a producer. */
function checkProducerPair(
  env: { DARKROOM_PRODUCER_URL?: string | undefined; DARKROOM_PRODUCER_TOKEN?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (env.DARKROOM_PRODUCER_URL !== undefined && env.DARKROOM_PRODUCER_TOKEN === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DARKROOM_PRODUCER_TOKEN'],
      message: "required when DARKROOM_PRODUCER_URL is set: one of that producer's PRODUCER_TOKENS",
    });
  }
}

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
    /** Where `darkroom run` (from Redis) has runs write their intermediate files. */
    DARKROOM_SCRATCH: scratchEnv,
    /** The named recipes `darkroom run <name>` runs from Redis (the producer's own over HTTP). */
    DARKROOM_RECIPES: recipesFileEnv,
    ...producerEnvShape,
  })
  .superRefine(checkAdobePair)
  .superRefine(checkProducerPair);

/** A producer the CLI reaches over HTTP. */
export interface ProducerTarget {
  /** Its base URL, without a trailing slash; holds no secret, so messages may print it. */
  url: string;
  /** The bearer token: sent in the Authorization header, never printed or logged. */
  token: string;
}

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
  /** DARKROOM_SCRATCH: where runs enqueued from Redis write intermediate files; none: refused. */
  scratch: string | undefined;
  /**
   * DARKROOM_RECIPES: the file of named recipes `darkroom run <name>` reads when it talks to
   * Redis; over HTTP the producer's own are used.
   */
  recipesFile: string | undefined;
  /**
   * DARKROOM_PRODUCER_URL and DARKROOM_PRODUCER_TOKEN: when set, the edit commands
   * (`HTTP_COMMANDS` of run-cli) go over HTTP to this producer and never touch Redis.
   */
  producer: ProducerTarget | undefined;
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
    scratch: env.DARKROOM_SCRATCH,
    recipesFile: env.DARKROOM_RECIPES,
    producer:
      env.DARKROOM_PRODUCER_URL !== undefined && env.DARKROOM_PRODUCER_TOKEN !== undefined
        ? {
            url: env.DARKROOM_PRODUCER_URL.replace(/\/+$/, ''),
            token: env.DARKROOM_PRODUCER_TOKEN,
          }
        : undefined,
    probes: (env.DARKROOM_DOCTOR_PROBES ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  };
}
