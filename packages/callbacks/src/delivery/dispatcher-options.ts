import type { Cluster, Redis } from 'ioredis';
import type { ResolveHost } from '../target/check-callback-url';
import type { CallbackObserver } from './callback-observer';
import type { RetryPolicy } from './retry-policy';

export interface CallbackDispatcherOptions {
  /**
   * The Redis connection for the queue and the delivery state; the caller keeps owning it
   * (`close()` leaves it open). The worker gets a duplicate with `maxRetriesPerRequest: null`,
   * which `close()` does close.
   */
  connection: Redis | Cluster;
  /** BullMQ key prefix, the same as the edit queue's (keep its `{…}` cluster hash tag). */
  prefix: string;
  /** @defaultValue 'callbacks' */
  queueName?: string;
  /**
   * Run a worker that delivers. Processes that only enqueue or read state (the producer, the
   * dashboard) pass false and need no secrets.
   * @defaultValue true
   */
  worker?: boolean;
  /**
   * The active `whsec_` secrets (from configuration, e.g. through `parseSecrets`); every
   * message is signed with each. Kept in memory only, never written to Redis. Required with a
   * worker.
   */
  secrets?: readonly string[];
  /** Deliveries in flight at once per process. @defaultValue 10 */
  concurrency?: number;
  /** Hosts callbacks may reach although not public (see `checkCallbackUrl`). @defaultValue [] */
  allow?: readonly string[];
  /** The resolver for callback hosts. @defaultValue the system resolver */
  resolve?: ResolveHost;
  /** Deadline of one attempt: connect, send, answer. @defaultValue 10000 */
  timeoutMs?: number;
  /** Backoff and give-up rules; see {@link RetryPolicy} for each default. */
  retry?: Partial<RetryPolicy>;
  /** How long a delivered or dead delivery's state is kept. @defaultValue 7 days */
  retentionMs?: number;
  /** @defaultValue 'Darkroom-Callbacks/1' */
  userAgent?: string;
  /** Hooks for metrics and logs. */
  observer?: CallbackObserver;
}

export const DEFAULT_CALLBACK_QUEUE = 'callbacks';
export const DEFAULT_CONCURRENCY = 10;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
