import {
  DEFAULT_PREFIX,
  DEFAULT_QUEUE,
  legacyApiEnv,
  redisTargetFromEnv,
  tenantsEnv,
  type RedisTarget,
  type TenantConfig,
} from '@darkroom/jobs';
import type { LegacyPolicy } from '@darkroom/photoshop';
import { ADOBE_KEY_ORIGIN } from '@darkroom/events';
import { DEFAULT_CALLBACK_QUEUE } from '@darkroom/callbacks';
import { z } from 'zod';
import { parseEnv, type EnvSource } from '@darkroom/config';
import { recipesFileEnv, scratchEnv } from './recipe-env';

/** The port of the producer's `/metrics`: the worker's 9464, plus one. */
export const DEFAULT_METRICS_PORT = 9465;

const envSchema = z
  .object({
    PRODUCER_HOST: z.string().min(1).default('0.0.0.0'),
    PRODUCER_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** `/metrics` is served here, apart from the API's port, so the scrape never needs a token. */
    PRODUCER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_METRICS_PORT),
    REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
    /** Seed nodes (`host:port,...`) of a Redis Cluster; REDIS_URL then gives credentials and TLS. */
    REDIS_CLUSTER_NODES: z.string().optional(),
    DARKROOM_PREFIX: z.string().min(1).default(DEFAULT_PREFIX),
    DARKROOM_QUEUE: z.string().min(1).default(DEFAULT_QUEUE),
    DARKROOM_LEGACY_API: legacyApiEnv,
    /** Tenant weights and quotas; the producer enforces `maxPerDay` at intake. */
    DARKROOM_TENANTS: tenantsEnv,
    PRODUCER_TOKENS: z
      .string({ error: 'set PRODUCER_TOKENS to a comma-separated list of bearer tokens' })
      .transform((text) =>
        text
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t.length > 0),
      )
      .pipe(z.array(z.string()).min(1, 'PRODUCER_TOKENS must name at least one token')),
    PRODUCER_MAX_BATCH: z.coerce.number().int().min(1).max(100_000).default(1000),
    PRODUCER_BODY_LIMIT: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'a size such as 512kb or 1mb')
      .default('1mb'),
    /** `on`: take Adobe I/O Events webhook deliveries at POST /v1/adobe-events. */
    ADOBE_EVENTS_WEBHOOK: z.enum(['on', 'off']).default('off'),
    /** Origin of I/O Events' public signing keys (the emulator's for a local run). */
    ADOBE_EVENTS_KEY_ORIGIN: z.url({ protocol: /^https?$/ }).default(ADOBE_KEY_ORIGIN),
    /** The I/O Events integration's client id: deliveries addressed to another are refused. */
    ADOBE_EVENTS_CLIENT_ID: z.string().min(1).optional(),
    /** `host:port` (or `host`) an edit's callback.url may name although not public: local only. */
    DARKROOM_CALLBACK_ALLOW: z.string().optional(),
    /** The queue callbacks are delivered from (the workers' DARKROOM_CALLBACK_QUEUE). */
    DARKROOM_CALLBACK_QUEUE: z.string().min(1).default(DEFAULT_CALLBACK_QUEUE),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /** Where recipe runs write their intermediate files: a storage reference prefix ending in `/`. */
    DARKROOM_SCRATCH: scratchEnv,
    /** A JSON file of named recipes, run with `POST /v1/recipes/{name}/runs`. */
    DARKROOM_RECIPES: recipesFileEnv,
  })
  .superRefine((env, ctx) => {
    // Named recipes that could never run are a mistake to report at start-up, not at each run.
    if (env.DARKROOM_RECIPES !== undefined && env.DARKROOM_SCRATCH === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['DARKROOM_SCRATCH'],
        message:
          'required when DARKROOM_RECIPES is set: recipe runs write their intermediate files under it (s3://darkroom-scratch/runs/)',
      });
    }
  });

export interface ProducerConfig {
  /** Operations of APIs Adobe has retired: refused at intake, or allowed (a grace period). */
  legacyApi: LegacyPolicy;
  host: string;
  port: number;
  /** Where `/metrics` is served (on `host`); 0 picks a free port. */
  metricsPort: number;
  /** Redis or Redis Cluster, from REDIS_URL and REDIS_CLUSTER_NODES. */
  redis: RedisTarget;
  prefix: string;
  queueName: string;
  tokens: string[];
  maxBatch: number;
  bodyLimit: string;
  /** The I/O Events webhook: off, or where its keys come from and whose deliveries it takes. */
  adobeEvents: false | { keyOrigin: string; recipientClientId?: string };
  /** Callback hosts allowed at intake although not public, and the callbacks queue. */
  callbacks: { allow: string[]; queueName: string };
  /** DARKROOM_TENANTS: weights, in-flight caps and daily quotas per tenant. */
  tenants: TenantConfig;
  logLevel: string;
  /** DARKROOM_SCRATCH: where recipe runs write intermediate files; none: runs are refused. */
  scratch: string | undefined;
  /** DARKROOM_RECIPES: the file of named recipes, read at start-up; none: no named recipes. */
  recipesFile: string | undefined;
}

/** Reads the HTTP service's configuration from an environment-like object; throws `ConfigError`. */
export function parseProducerConfig(source: EnvSource): ProducerConfig {
  const env = parseEnv(envSchema, source);
  return {
    host: env.PRODUCER_HOST,
    port: env.PRODUCER_PORT,
    metricsPort: env.PRODUCER_METRICS_PORT,
    redis: redisTargetFromEnv(env),
    prefix: env.DARKROOM_PREFIX,
    queueName: env.DARKROOM_QUEUE,
    legacyApi: env.DARKROOM_LEGACY_API,
    tokens: env.PRODUCER_TOKENS,
    maxBatch: env.PRODUCER_MAX_BATCH,
    bodyLimit: env.PRODUCER_BODY_LIMIT,
    adobeEvents:
      env.ADOBE_EVENTS_WEBHOOK === 'on'
        ? {
            keyOrigin: env.ADOBE_EVENTS_KEY_ORIGIN,
            ...(env.ADOBE_EVENTS_CLIENT_ID
              ? { recipientClientId: env.ADOBE_EVENTS_CLIENT_ID }
              : {}),
          }
        : false,
    callbacks: {
      allow: (env.DARKROOM_CALLBACK_ALLOW ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0),
      queueName: env.DARKROOM_CALLBACK_QUEUE,
    },
    tenants: env.DARKROOM_TENANTS,
    logLevel: env.LOG_LEVEL,
    scratch: env.DARKROOM_SCRATCH,
    recipesFile: env.DARKROOM_RECIPES,
  };
}
