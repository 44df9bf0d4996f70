import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { closeAll, closeOnce } from '@darkroom/core';
import { createDashboard } from '@darkroom/dashboard';
import type { Emulator } from '@darkroom/emulator';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, type EditQueue } from '@darkroom/jobs';
import { storageConfigSchema, type StorageConfig, type StorageRegistry } from '@darkroom/storage';
import {
  startStack,
  type StackFixture,
  type StackOptions,
  type StackRedis,
} from '@darkroom/testing/stack';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';
import type { MainJobLocations } from './main-job';

export interface LocalStack {
  /** Redis's URL and where it came from: REDIS_URL, the machine's 6379, or started here. */
  redis: Pick<StackRedis, 'url' | 'origin'>;
  edits: EditQueue;
  storage: StorageRegistry;
  /** The storage configuration the worker uses: s3rver's, or DARKROOM_STORAGE. */
  storageConfig: StorageConfig;
  at: MainJobLocations;
  worker: DarkroomWorker;
  /** The emulator, unless real Adobe credentials are configured. */
  emulator?: Emulator;
  /** The one client the emulator's IMS accepts (its secret is drawn per run), with the emulator. */
  emulatorClient?: { clientId: string; clientSecret: string };
  /** `s3rver` on loopback, unless DARKROOM_STORAGE is configured. */
  s3Endpoint?: string;
  dashboard: { url: string; user: string; password: string };
  close(): Promise<void>;
}

/** Where the worker's log lines go; by default nowhere, so the demo prints only its own lines. */
export interface StackLogs {
  /** pino level, or `silent`. @defaultValue `'silent'` */
  level: string;
  /** @defaultValue none: nothing is written */
  destination?: NodeJS.WritableStream;
}

/** The emulator's time factor in the local stack: a 5–15 s Adobe job takes 0.25–0.75 s. */
const DEMO_TIME_FACTOR = 0.05;
const DEMO_CLIENT = { clientId: 'darkroom-local', clientSecret: randomBytes(16).toString('hex') };
const DEMO_BUCKETS = { inputs: 'darkroom-in', outputs: 'darkroom-out' };

/**
 * Where the main job reads and writes: the configured storage and DEMO_INPUTS/DEMO_OUTPUTS
 * prefixes, or s3rver's two buckets. Each run gets a folder of its own.
 */
function storagePlan(
  env: NodeJS.ProcessEnv,
  dataDir: string,
): { option: NonNullable<StackOptions['storage']>; at: MainJobLocations } {
  const run = new Date().toISOString().replace(/[:.]/g, '-');
  if (!env.DARKROOM_STORAGE) {
    return {
      option: { s3rver: { directory: join(dataDir, 's3') } },
      at: {
        inputs: `s3://${DEMO_BUCKETS.inputs}/${run}`,
        outputs: `s3://${DEMO_BUCKETS.outputs}/${run}`,
      },
    };
  }
  const config: StorageConfig = storageConfigSchema.parse(JSON.parse(env.DARKROOM_STORAGE));
  if (!env.DEMO_INPUTS || !env.DEMO_OUTPUTS) {
    throw new Error(
      'with DARKROOM_STORAGE set, also set DEMO_INPUTS and DEMO_OUTPUTS (reference prefixes such as s3://my-bucket/darkroom-demo)',
    );
  }
  return {
    option: { config },
    at: { inputs: `${env.DEMO_INPUTS}/${run}`, outputs: `${env.DEMO_OUTPUTS}/${run}` },
  };
}

/** Adobe's real API when its credentials are configured (every ADOBE_* variable goes through). */
function realApiEnv(env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  if (!env.ADOBE_CLIENT_ID || !env.ADOBE_CLIENT_SECRET) return undefined;
  const api: Record<string, string> = {};
  for (const key of Object.keys(env)) if (key.startsWith('ADOBE_')) api[key] = env[key] ?? '';
  return api;
}

/** Redis, storage, the emulator and one worker, through the stack fixture of the tests. */
function startPipeline(
  env: NodeJS.ProcessEnv,
  dataDir: string,
  storage: NonNullable<StackOptions['storage']>,
  logs: StackLogs,
): Promise<StackFixture<DarkroomWorker>> {
  const api = realApiEnv(env);
  return startStack({
    redis: {
      launch: {
        env,
        dataDir: join(dataDir, 'redis'),
        args: ['--appendonly', 'yes', '--appendfsync', 'everysec'],
      },
    },
    storage,
    buckets: [DEMO_BUCKETS.inputs, DEMO_BUCKETS.outputs],
    emulator: api ? false : { scaleRateLimits: true },
    timeFactor: DEMO_TIME_FACTOR,
    client: DEMO_CLIENT,
    // The demo's jobs stay in Redis for the dashboard and the CLI after it ends.
    queue: {
      queueName: env.DARKROOM_QUEUE ?? DEFAULT_QUEUE,
      prefix: env.DARKROOM_PREFIX ?? DEFAULT_PREFIX,
      keepJobs: true,
      // New edits wait in their tenants' lines, as the producer's do.
      fair: true,
    },
    startWorker: (workerEnv) =>
      createWorker(
        parseWorkerConfig(workerEnv),
        logs.destination ? { logDestination: logs.destination } : {},
      ),
    workers: 1,
    env: { WORKER_PORT: env.WORKER_PORT ?? '0', LOG_LEVEL: logs.level, ...api },
  });
}

/**
 * Starts everything Darkroom needs on this machine, each part replaced by the real one when it is
 * configured: REDIS_URL for Redis, DARKROOM_STORAGE (+ DEMO_INPUTS/DEMO_OUTPUTS prefixes) for
 * storage, ADOBE_CLIENT_ID/ADOBE_CLIENT_SECRET for Adobe's API.
 */
export async function startLocalStack(
  env: NodeJS.ProcessEnv,
  dataDir: string,
  logs: StackLogs = { level: 'silent' },
): Promise<LocalStack> {
  const plan = storagePlan(env, dataDir);
  const stack = await startPipeline(env, dataDir, plan.option, logs);
  const user = 'admin';
  const password = env.DASHBOARD_PASSWORD ?? randomBytes(9).toString('base64url');
  let board: ReturnType<typeof createDashboard> | undefined;
  const close = closeOnce(() => closeAll([() => board?.close(), () => stack.close()]));
  try {
    board = createDashboard({
      redis: stack.redis.url,
      queues: [stack.queueName!],
      prefix: stack.edits!.prefix,
      auth: { mode: 'basic', users: [{ username: user, password, role: 'admin' }] },
    });
    const { url } = await board.listen(Number(env.DASHBOARD_PORT ?? 0), '127.0.0.1');
    return {
      redis: { url: stack.redis.url, origin: stack.redis.origin },
      edits: stack.edits!,
      storage: stack.storage,
      storageConfig: stack.storageConfig,
      at: plan.at,
      worker: stack.workers[0]!,
      ...(stack.emulator ? { emulator: stack.emulator, emulatorClient: DEMO_CLIENT } : {}),
      ...(stack.s3 ? { s3Endpoint: stack.s3.endpoint } : {}),
      dashboard: { url, user, password },
      close,
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
