/**
 * BullMQ key prefix. The braces are a Redis Cluster hash tag: every key of every Darkroom queue
 * hashes to one slot, so BullMQ's multi-key Lua scripts never fail with CROSSSLOT.
 * @see https://docs.bullmq.io/bull/patterns/redis-cluster
 */
export const DEFAULT_PREFIX = '{darkroom}';

/** The queue edit jobs go through. */
export const DEFAULT_QUEUE = 'edits';

/** The BullMQ job name every edit job carries (the operation lives in the data). */
export const EDIT_JOB_NAME = 'edit';

/** Adobe: "You should implement an exponential back-off retry strategy with 3 retry attempts." */
export const DEFAULT_ATTEMPTS = 4;

/** First backoff step of a BullMQ-level retry (after the client's own 5xx retries failed). */
export const DEFAULT_BACKOFF_MS = 5_000;

/** How long a job may run in total when its producer gives no deadline. */
export const DEFAULT_DEADLINE_MS = 60 * 60 * 1000;

/** The shortest deadline a job may be given: less could not even reach Adobe's first poll. */
export const MIN_DEADLINE_MS = 5_000;

/**
 * The longest deadline a job may be given: a week, the longest an S3 or Azure presigned URL can
 * live (`MAX_TTL_SECONDS` of `@darkroom/storage`), and the worker presigns every URL to outlive
 * the deadline.
 */
export const MAX_DEADLINE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * How long an idempotency key keeps naming its job once the job completed: completed jobs are kept
 * this long (BullMQ `removeOnComplete.age`), and a key finds its job while the job is kept.
 */
export const DEFAULT_IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Most completed jobs kept, whatever their age: a guard on Redis memory only (a completed job
 * takes about 2 KB), never the thing that ends the idempotency window at a normal rate.
 */
export const DEFAULT_MAX_KEPT_COMPLETED = 1_000_000;

/** Finished jobs kept for inspection and idempotency: by age (seconds) and count. */
export const DEFAULT_KEEP_COMPLETED = {
  age: DEFAULT_IDEMPOTENCY_WINDOW_MS / 1000,
  count: DEFAULT_MAX_KEPT_COMPLETED,
} as const;
export const DEFAULT_KEEP_FAILED = { age: 7 * 24 * 3600, count: 100_000 } as const;

/**
 * The shape of every id `EditQueue` gives a job: a random UUID, or `idem-` and 40 hex digits of
 * the idempotency key's sha256. Anything else is not a Darkroom job (BullMQ's own keys, such as
 * `meta` or `events`, live beside the jobs and must never be read as one).
 */
export const EDIT_JOB_ID_PATTERN =
  /^(?:idem-[0-9a-f]{40}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The events stream is capped so Redis memory stays bounded (bullmq #2734). */
export const DEFAULT_EVENTS_MAX_LEN = 10_000;
