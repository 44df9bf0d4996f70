import type { Closable } from '@darkroom/core';
import type { Emulator, EmulatorClient, EmulatorOptions, FaultConfig } from '@darkroom/emulator';
import type { EditQueue, EditQueueOptions, RedisTarget } from '@darkroom/jobs';
import type { StorageConfig, StorageRegistry } from '@darkroom/storage';
import type { RedisServer, RedisServerOptions } from '../redis';
import type { LaunchRedisOptions, RedisOrigin } from '../redis-launcher';
import type { S3rverFixture, S3rverOptions } from '../s3rver';

/** Where the stack's Redis comes from. */
export type StackRedisOption =
  /**
   * A Redis the caller owns (by default the shared test Redis): `url` becomes the workers'
   * REDIS_URL; `target` (a cluster, say) is what the queue connects to, and `env` (for example
   * REDIS_CLUSTER_NODES) is added to the workers' environment.
   */
  | { url: string; target?: RedisTarget; env?: Record<string, string> }
  /** A private `redis-server` the stack starts and closes, for runs that stop or kill Redis. */
  | { server: RedisServerOptions }
  /** REDIS_URL, else a Redis on 127.0.0.1:6379, else one started for the stack. */
  | { launch: LaunchRedisOptions };

/** The stack's S3: s3rver on loopback, or a configuration the caller owns (no s3rver then). */
export type StackStorageOption = { s3rver: S3rverOptions } | { config: StorageConfig };

/** The stack's EditQueue; `keepJobs` leaves its jobs in Redis on close instead of removing them. */
export type StackQueueOptions = Partial<Omit<EditQueueOptions, 'connection'>> & {
  keepJobs?: boolean;
};

/** Starts one worker with the given environment: in this process or as a child process. */
export type WorkerFactory<W extends Closable> = (env: Record<string, string>) => Promise<W>;

export interface StackOptions<W extends Closable = Closable> {
  /** @defaultValue `{ url: redisUrl() }`, the shared test Redis */
  redis?: StackRedisOption;
  /** @defaultValue `{ s3rver: {} }`, s3rver with objects in a temporary folder */
  storage?: StackStorageOption;
  /**
   * Buckets to create in s3rver: that many fresh names, or these names.
   * @defaultValue 2
   */
  buckets?: number | readonly string[];
  /** Other storage providers next to S3, e.g. Azurite's account or the Dropbox double. */
  providers?: Pick<StorageConfig, 'azure' | 'dropbox'>;
  /**
   * Options of the emulator, over the stack's own (port 0, `timeFactor`, `client`, `faults`);
   * `false` runs no emulator, and `env` then names the real API.
   */
  emulator?: EmulatorOptions | false;
  /**
   * Multiplies the emulator's durations and the workers' expected durations and rate-budget
   * windows: 0.001 makes a 10 s Adobe job take 10 ms. @defaultValue 0.001
   */
  timeFactor?: number;
  /** Faults the emulator injects from the start. @defaultValue none */
  faults?: FaultConfig;
  /** The one client IMS accepts; the workers use it. */
  client?: EmulatorClient;
  /** `false` opens no EditQueue (the caller brings its own). @defaultValue a fresh queue name */
  queue?: StackQueueOptions | false;
  /** Starts a worker; needed for `workers` and `startWorker()`. */
  startWorker?: WorkerFactory<W>;
  /** Workers started before the stack is returned. @defaultValue 0 */
  workers?: number;
  /** Added to (and over) the workers' environment, e.g. LOG_LEVEL or WORKER_CONCURRENCY. */
  env?: Record<string, string>;
}

/** The Redis a stack runs on. */
export interface StackRedis {
  url: string;
  /** How it was found: given by the caller, started privately, or one of the launcher's. */
  origin: RedisOrigin | 'given' | 'private';
  /** What the queue connects to: `url`, or the caller's `target`. */
  target: RedisTarget;
  /** The server when the stack started it: stop, kill or restart it. */
  server?: RedisServer;
}

export interface StackFixture<W extends Closable = Closable> {
  redis: StackRedis;
  /** s3rver, unless the caller gave a storage configuration. */
  s3?: S3rverFixture;
  /** The buckets created in s3rver, in order. */
  buckets: string[];
  storageConfig: StorageConfig;
  storage: StorageRegistry;
  /** The emulator, unless `emulator: false`. */
  emulator?: Emulator;
  /** The queue and its name, unless `queue: false`. */
  edits?: EditQueue;
  queueName?: string;
  /** The workers' environment: Redis, queue, storage, API and the caller's `env`. */
  env: Record<string, string>;
  /** Every worker started so far, including stopped ones. */
  workers: W[];
  /** Starts one more worker with `env` plus `extraEnv`; the stack closes it. */
  startWorker(extraEnv?: Record<string, string>): Promise<W>;
  /**
   * Closes everything the stack started, each step even when an earlier one fails: workers,
   * then the queue (its jobs removed unless `keepJobs`), emulator, storage and Redis. Idempotent.
   */
  close(): Promise<void>;
}
