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

/** Finished jobs kept for inspection and idempotency: by age (seconds) and count. */
export const DEFAULT_KEEP_COMPLETED = { age: 24 * 3600, count: 50_000 } as const;
export const DEFAULT_KEEP_FAILED = { age: 7 * 24 * 3600, count: 100_000 } as const;

/** The events stream is capped so Redis memory stays bounded (bullmq #2734). */
export const DEFAULT_EVENTS_MAX_LEN = 10_000;
