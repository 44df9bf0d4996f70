import { z } from 'zod';
import { ConfigError, parseEnv, type EnvSource } from '@darkroom/config';
import type { LegacyPolicy } from '@darkroom/photoshop';
import {
  CallbackInputError,
  DEFAULT_CALLBACK_QUEUE,
  parseCallbackUrl,
  parseSecrets,
  type RetryPolicy,
} from '@darkroom/callbacks';
import type { StorageConfig } from '@darkroom/storage';
import {
  accountsFromEnv,
  DEFAULT_SCRATCH_LIFETIME_MS,
  checkAdobePair,
  redisTargetFromEnv,
  runtimeEnvShape,
  type AccountConfig,
  type RedisTarget,
  type TenantConfig,
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

/** BullMQ's own lock duration and stalled-check interval: the worker's unless configured. */
export const DEFAULT_LOCK_DURATION_MS = 30_000;

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
  /**
   * BullMQ's lock on a job a worker holds, renewed at half of it; also how often the worker
   * looks for stalled jobs. A worker killed while holding jobs gives them up within about twice
   * this; an event loop blocked for longer than it loses them to another worker.
   */
  WORKER_LOCK_DURATION_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(600_000)
    .default(DEFAULT_LOCK_DURATION_MS),
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
  /**
   * The `whsec_` secrets callbacks are signed with, separated by commas or spaces; two during a
   * rotation. Unset: callbacks are queued but not sent until a worker with secrets runs.
   */
  DARKROOM_CALLBACK_SECRETS: z.string().optional(),
  /** `host:port` (or `host`) callbacks may reach although not public, over http too: local only. */
  DARKROOM_CALLBACK_ALLOW: z.string().optional(),
  /** JSON object, tenant → callback URL, for edits of that tenant that name none. */
  DARKROOM_CALLBACK_DEFAULTS: z.string().optional(),
  /** The queue callbacks are delivered from, beside the edits queue under the same prefix. */
  DARKROOM_CALLBACK_QUEUE: z.string().min(1).default(DEFAULT_CALLBACK_QUEUE),
  /** Callback POSTs in flight at once in this worker. */
  DARKROOM_CALLBACK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(10),
  /** Wait before a failed callback's second attempt; each later wait doubles, up to 1 hour. */
  DARKROOM_CALLBACK_RETRY_BASE_MS: z.coerce.number().int().min(0).default(5_000),
  /** A callback still failing this long after its first attempt is dead. */
  DARKROOM_CALLBACK_MAX_AGE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(24 * 60 * 60 * 1000),
  /** A callback is dead after this many failed attempts; unset: only the age limit. */
  DARKROOM_CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).optional(),
  /**
   * How long a failed recipe run's intermediate files are kept for diagnosis before they are
   * deleted (a retry before then reuses them; after, it runs every step again).
   */
  DARKROOM_SCRATCH_LIFETIME_MS: z.coerce.number().int().min(0).default(DEFAULT_SCRATCH_LIFETIME_MS),
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
  /** BullMQ's lock duration and stalled-check interval of the worker's queues (WORKER_LOCK_DURATION_MS). */
  lockDurationMs: number;
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
  /** Signed callbacks when an edit ends: see `callbacksConfig`. */
  callbacks: CallbacksConfig;
  /** DARKROOM_TENANTS: weights, in-flight caps and daily quotas per tenant. */
  tenants: TenantConfig;
  /** How long a failed recipe run's intermediates are kept (DARKROOM_SCRATCH_LIFETIME_MS). */
  scratchLifetimeMs: number;
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
    lockDurationMs: env.WORKER_LOCK_DURATION_MS,
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
    callbacks: callbacksConfig(env),
    tenants: env.DARKROOM_TENANTS,
    scratchLifetimeMs: env.DARKROOM_SCRATCH_LIFETIME_MS,
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

/** Signed callbacks: who signs, where they may go, and how hard delivery tries. */
export interface CallbacksConfig {
  /** The callbacks queue's name (the prefix is the edits queue's). */
  queueName: string;
  /** The `whsec_` secrets; empty: deliveries are queued, and sent by a worker that has some. */
  secrets: string[];
  /** Non-public hosts callbacks may reach (local development). */
  allow: string[];
  /** Tenant → callback URL, for edits that name none. */
  defaults: Record<string, string>;
  concurrency: number;
  retry: Partial<RetryPolicy>;
}

const listOf = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

/** The secrets, refused by place and rule (never by their text). */
function callbackSecrets(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  try {
    return parseSecrets(text);
  } catch (err) {
    if (!(err instanceof CallbackInputError)) throw err;
    throw new ConfigError([{ variable: 'DARKROOM_CALLBACK_SECRETS', rule: err.message }]);
  }
}

/** Tenant defaults: a JSON object of tenant → URL, each URL held to the intake rules. */
function callbackDefaults(text: string | undefined, allow: string[]): Record<string, string> {
  if (text === undefined || text.trim() === '') return {};
  const fail = (rule: string): never => {
    throw new ConfigError([{ variable: 'DARKROOM_CALLBACK_DEFAULTS', rule }]);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('must be a JSON object of tenant → callback URL');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail('must be a JSON object of tenant → callback URL');
  }
  const defaults: Record<string, string> = {};
  for (const [tenant, url] of Object.entries(parsed)) {
    if (typeof url !== 'string') return fail(`${tenant}: the URL must be a string`);
    try {
      parseCallbackUrl(url, { allow });
    } catch (err) {
      if (!(err instanceof CallbackInputError)) throw err;
      return fail(`${tenant}: ${err.message} [${err.rule}]`);
    }
    defaults[tenant] = url;
  }
  return defaults;
}

/** The callback settings of the environment; throws `ConfigError` naming the variable. */
function callbacksConfig(env: z.infer<typeof envObject>): CallbacksConfig {
  const allow = listOf(env.DARKROOM_CALLBACK_ALLOW);
  return {
    queueName: env.DARKROOM_CALLBACK_QUEUE,
    secrets: callbackSecrets(env.DARKROOM_CALLBACK_SECRETS),
    allow,
    defaults: callbackDefaults(env.DARKROOM_CALLBACK_DEFAULTS, allow),
    concurrency: env.DARKROOM_CALLBACK_CONCURRENCY,
    retry: {
      baseDelayMs: env.DARKROOM_CALLBACK_RETRY_BASE_MS,
      maxAgeMs: env.DARKROOM_CALLBACK_MAX_AGE_MS,
      ...(env.DARKROOM_CALLBACK_MAX_ATTEMPTS
        ? { maxAttempts: env.DARKROOM_CALLBACK_MAX_ATTEMPTS }
        : {}),
    },
  };
}
