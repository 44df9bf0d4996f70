import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { RedisUnavailableError } from './errors/redis-unavailable-error';

/**
 * A Redis Cluster: seed nodes as `host:port`, and the options every node connection shares
 * (password, TLS). Darkroom's keys all carry the `{darkroom}` hash tag, so they live in one slot.
 */
export interface RedisClusterTarget {
  cluster: string[];
  nodeOptions?: RedisOptions;
}

/** A Redis URL (`redis://`, `rediss://` for TLS), ioredis options, or a cluster. */
export type RedisTarget = string | RedisOptions | RedisClusterTarget;

/** A connection to either a single Redis or a cluster. */
export type RedisConnection = Redis | Cluster;

export function isClusterTarget(target: RedisTarget): target is RedisClusterTarget {
  return typeof target === 'object' && Array.isArray((target as RedisClusterTarget).cluster);
}

/**
 * The target an app's environment names: `REDIS_URL` for one Redis; with `REDIS_CLUSTER_NODES`
 * (`host:port,host:port`) a cluster, whose node connections take the credentials and TLS of
 * `REDIS_URL` when it is set.
 */
export function redisTargetFromEnv(env: {
  REDIS_URL?: string;
  REDIS_CLUSTER_NODES?: string;
}): RedisTarget {
  const url = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const nodes = (env.REDIS_CLUSTER_NODES ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (nodes.length === 0) return url;
  const { host: _host, port: _port, db: _db, ...nodeOptions } = toOptions(url, {});
  return { cluster: nodes, nodeOptions };
}

/** Where a connection points, for messages: host and port, never the password. */
export function describeTarget(target: RedisTarget): string {
  if (isClusterTarget(target)) return `the Redis Cluster at ${target.cluster.join(',')}`;
  if (typeof target === 'string') {
    try {
      const url = new URL(target);
      return `${url.hostname}:${url.port || '6379'}`;
    } catch {
      return 'the configured Redis';
    }
  }
  return `${target.host ?? '127.0.0.1'}:${target.port ?? 6379}`;
}

function toOptions(target: string | RedisOptions, extra: RedisOptions): RedisOptions {
  if (typeof target !== 'string') return { ...target, ...extra };
  const url = new URL(target);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db !== undefined && Number.isFinite(db) ? { db } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    ...extra,
  };
}

/**
 * A producer connection: commands fail at once while Redis is down instead of piling up in an
 * offline queue, so callers get an answer within a second.
 * @see https://docs.bullmq.io/patterns/failing-fast-when-redis-is-down
 */
export function createProducerConnection(
  target: RedisTarget,
  extra: RedisOptions = {},
): RedisConnection {
  const settings: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    // Keep reconnecting in the background; callers fail fast meanwhile.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...extra,
  };
  const client = isClusterTarget(target)
    ? clusterClient(target, settings, { enableOfflineQueue: false })
    : new Redis(toOptions(target, settings));
  // Errors surface through the commands; an unhandled 'error' event would crash the process.
  client.on('error', () => undefined);
  return client;
}

/**
 * A worker connection: BullMQ's blocking commands need `maxRetriesPerRequest: null`, and the
 * connection must never give up reconnecting (a worker that stops reconnecting after an outage
 * is the "silent consumer" failure reported against BullMQ).
 */
export function createWorkerConnection(
  target: RedisTarget,
  extra: RedisOptions = {},
): RedisConnection {
  const client = isClusterTarget(target)
    ? clusterClient(target, { maxRetriesPerRequest: null, ...extra }, {})
    : new Redis(workerConnectionOptions(target, extra));
  client.on('error', () => undefined);
  return client;
}

function clusterClient(
  target: RedisClusterTarget,
  nodeSettings: RedisOptions,
  clusterSettings: ClusterOptions,
): Cluster {
  const nodes = target.cluster.map((node) => {
    const i = node.lastIndexOf(':');
    return { host: node.slice(0, i), port: Number(node.slice(i + 1)) };
  });
  const {
    maxRetriesPerRequest,
    enableOfflineQueue: _offline,
    retryStrategy: _retry,
    ...redisOptions
  } = {
    ...target.nodeOptions,
    ...nodeSettings,
  };
  return new Cluster(nodes, {
    ...clusterSettings,
    ...(maxRetriesPerRequest !== undefined ? { maxRetriesPerRequest } : {}),
    clusterRetryStrategy: (times) => Math.min(times * 200, 2_000),
    redisOptions,
  });
}

/**
 * The same settings as options, for a BullMQ class that should own (and close) its connection:
 * BullMQ leaves a connection instance it was handed open when it closes.
 */
export function workerConnectionOptions(
  target: string | RedisOptions,
  extra: RedisOptions = {},
): RedisOptions {
  return toOptions(target, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...extra,
  });
}

/** Waits for a producer connection to be ready, or throws `RedisUnavailableError` in `timeoutMs`. */
export async function ensureReady(
  client: RedisConnection,
  target: string,
  timeoutMs = 1_000,
): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new RedisUnavailableError(target));
    }, timeoutMs);
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}

/** True when an error means "Redis could not be reached" rather than a logic error. */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|enableOfflineQueue|MaxRetriesPerRequest|connect ETIMEDOUT|Reached the max retries/i.test(
    err.message,
  );
}
