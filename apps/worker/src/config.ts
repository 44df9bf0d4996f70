import { z } from 'zod';
import { ConfigError, parseEnv, type EnvSource } from '@darkroom/config';
import type { LegacyPolicy } from '@darkroom/photoshop';
import type { StorageConfig } from '@darkroom/storage';
import {
  accountsFromEnv,
  checkAdobePair,
  redisTargetFromEnv,
  runtimeEnvShape,
  type AccountConfig,
  type RedisTarget,
} from '@darkroom/jobs';

/** Room past the longest slot for a job's hand-back to Redis and a late SIGTERM. */
export const DRAIN_MARGIN_MS = 10_000;

/**
 * The storage work one slot may do besides its API call: presigning a submit's input and outputs
 * (Dropbox's link requests, Azure's delegation key) or checking a finished job's outputs, each
 * set run in parallel. One storage request's timeout in `@darkroom/storage` (S3's stat, Dropbox's
 * calls) is 30 s.
 */
export const STORAGE_CHECK_MS = 30_000;

/**
 * The default drain deadline: the longest a slot is held (a storage check and one API call) plus
 * the margin. A drain shorter than a call may abort a submit POST that Adobe has already accepted;
 * the job is then submitted again elsewhere and Adobe runs it twice.
 */
export const defaultDrainTimeoutMs = (apiTimeoutMs: number): number =>
  apiTimeoutMs + DRAIN_MARGIN_MS + STORAGE_CHECK_MS;

const envObject = z.object({
  ...runtimeEnvShape,
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
  WORKER_HOST: z.string().default('0.0.0.0'),
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /**
   * Default {@link defaultDrainTimeoutMs} of API_TIMEOUT_MS; never below API_TIMEOUT_MS. Must
   * stay below the pod's termination grace period.
   */
  WORKER_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).optional(),
  /** A consumer that took nothing for this long while jobs wait is reported (and restarted). */
  WORKER_WEDGE_AFTER_MS: z.coerce.number().int().min(1_000).default(20_000),
  WORKER_REQUIRE_NOEVICTION: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
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
  /**
   * First wait of the exponential back-offs: before a submit whose answer may hide a job is
   * looked into and sent again, and before a failed status read or presign is tried again.
   */
  RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(1_000),
  /**
   * `on`: edits end on Adobe's job events (I/O Events, taken in by the producer's webhook or by
   * this worker's journal reader) and polls wait longer while events arrive.
   */
  DARKROOM_EVENTS: z.enum(['on', 'off']).default('off'),
  /** How many times longer polls wait while events are arriving. */
  DARKROOM_EVENTS_POLL_STRETCH: z.coerce.number().min(1).max(100).default(4),
  /** The I/O Events registration's journal URL: events are pulled from it (implies `on`). */
  ADOBE_EVENTS_JOURNAL_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The account whose credentials read the journal. @defaultValue the first configured */
  ADOBE_EVENTS_JOURNAL_ACCOUNT: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Every environment variable the worker reads (its README lists each one). */
export const workerEnvNames: readonly string[] = Object.keys(envObject.shape);

const envSchema = envObject.superRefine((env, ctx) => {
  checkAdobePair(env, ctx);
  if (
    env.WORKER_DRAIN_TIMEOUT_MS !== undefined &&
    env.WORKER_DRAIN_TIMEOUT_MS < env.API_TIMEOUT_MS
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['WORKER_DRAIN_TIMEOUT_MS'],
      message: `must be at least API_TIMEOUT_MS (${env.WORKER_DRAIN_TIMEOUT_MS} < ${env.API_TIMEOUT_MS}): a drain that ends first aborts API calls in flight, among them submits Adobe may already have accepted`,
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
  /** SIGTERM drain deadline; at least `apiTimeoutMs`. */
  drainTimeoutMs: number;
  wedgeAfterMs: number;
  requireNoeviction: boolean;
  accounts: Record<string, AccountConfig>;
  storage: StorageConfig;
  budgetTimeScale: number;
  budgetHeadroom: number;
  apiTimeoutMs: number;
  expectedDurationScale: number;
  retryBaseMs: number;
  /** Jobs of APIs Adobe has retired: failed before any POST, or run (a grace period). */
  legacyApi: LegacyPolicy;
  /** Adobe's job events: off, or on with the poll stretch and, for the journal, where and as whom. */
  events: false | { pollStretch: number; journal?: { url: string; account: string } };
  logLevel: string;
}

/** Reads the worker's configuration from an environment-like object; throws `ConfigError`. */
export function parseWorkerConfig(source: EnvSource): WorkerConfig {
  const env = parseEnv(envSchema, source);
  const accounts = accountsFromEnv(env);
  return {
    redis: redisTargetFromEnv(env),
    prefix: env.DARKROOM_PREFIX,
    queueName: env.DARKROOM_QUEUE,
    concurrency: env.WORKER_CONCURRENCY,
    host: env.WORKER_HOST,
    port: env.WORKER_PORT,
    drainTimeoutMs: env.WORKER_DRAIN_TIMEOUT_MS ?? defaultDrainTimeoutMs(env.API_TIMEOUT_MS),
    wedgeAfterMs: env.WORKER_WEDGE_AFTER_MS,
    requireNoeviction: env.WORKER_REQUIRE_NOEVICTION,
    accounts,
    storage: env.DARKROOM_STORAGE ?? {},
    budgetTimeScale: env.BUDGET_TIME_SCALE,
    budgetHeadroom: env.BUDGET_HEADROOM,
    apiTimeoutMs: env.API_TIMEOUT_MS,
    expectedDurationScale: env.EXPECTED_DURATION_SCALE,
    retryBaseMs: env.RETRY_BASE_MS,
    legacyApi: env.DARKROOM_LEGACY_API,
    events: eventsConfig(env, Object.keys(accounts)),
    logLevel: env.LOG_LEVEL,
  };
}

/** Events are on when asked for or when a journal is named; the journal reads as one account. */
function eventsConfig(
  env: z.infer<typeof envObject>,
  accountNames: readonly string[],
): WorkerConfig['events'] {
  const url = env.ADOBE_EVENTS_JOURNAL_URL;
  if (env.DARKROOM_EVENTS === 'off' && !url) return false;
  const account = env.ADOBE_EVENTS_JOURNAL_ACCOUNT ?? accountNames[0];
  if (url && account && !accountNames.includes(account)) {
    throw new ConfigError([
      {
        variable: 'ADOBE_EVENTS_JOURNAL_ACCOUNT',
        rule: `'${account}' is not a configured account (${accountNames.join(', ')})`,
      },
    ]);
  }
  return {
    pollStretch: env.DARKROOM_EVENTS_POLL_STRETCH,
    ...(url && account ? { journal: { url, account } } : {}),
  };
}
