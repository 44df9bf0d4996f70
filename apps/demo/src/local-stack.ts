import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createDashboard } from '@darkroom/dashboard';
import { createEmulator, type Emulator } from '@darkroom/emulator';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, EditQueue } from '@darkroom/jobs';
import { StorageRegistry, storageConfigSchema, type StorageConfig } from '@darkroom/storage';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';
import type { MainJobLocations } from './main-job';
import { resolveRedis, type LocalRedis } from './redis';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  store: { putBucket(name: string): Promise<unknown> };
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
// s3rver ships no type declarations; this is the slice Darkroom uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as S3rverConstructor;

export interface LocalStack {
  redis: LocalRedis;
  edits: EditQueue;
  storage: StorageRegistry;
  at: MainJobLocations;
  worker: DarkroomWorker;
  /** The emulator, unless real Adobe credentials are configured. */
  emulator?: Emulator;
  /** `s3rver` on loopback, unless DARKROOM_STORAGE is configured. */
  s3Endpoint?: string;
  dashboard: { url: string; user: string; password: string };
  close(): Promise<void>;
}

/** The emulator's time factor in the local stack: a 5–15 s Adobe job takes 0.25–0.75 s. */
const DEMO_TIME_FACTOR = 0.05;
const DEMO_CLIENT = { clientId: 'darkroom-local', clientSecret: randomBytes(16).toString('hex') };

/**
 * Starts everything Darkroom needs on this machine, each part replaced by the real one when it is
 * configured: REDIS_URL for Redis, DARKROOM_STORAGE (+ DEMO_INPUTS/DEMO_OUTPUTS prefixes) for
 * storage, ADOBE_CLIENT_ID/ADOBE_CLIENT_SECRET for Adobe's API.
 */
export async function startLocalStack(
  env: NodeJS.ProcessEnv,
  dataDir: string,
): Promise<LocalStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const redis = await resolveRedis(env, join(dataDir, 'redis'));
    cleanups.push(() => redis.close());

    let storageConfig: StorageConfig;
    let at: MainJobLocations;
    let s3Endpoint: string | undefined;
    const run = new Date().toISOString().replace(/[:.]/g, '-');
    if (env.DARKROOM_STORAGE) {
      storageConfig = storageConfigSchema.parse(JSON.parse(env.DARKROOM_STORAGE));
      if (!env.DEMO_INPUTS || !env.DEMO_OUTPUTS) {
        throw new Error(
          'with DARKROOM_STORAGE set, also set DEMO_INPUTS and DEMO_OUTPUTS (reference prefixes such as s3://my-bucket/darkroom-demo)',
        );
      }
      at = { inputs: `${env.DEMO_INPUTS}/${run}`, outputs: `${env.DEMO_OUTPUTS}/${run}` };
    } else {
      const directory = join(dataDir, 's3');
      await mkdir(directory, { recursive: true });
      const s3 = new S3rver({
        address: '127.0.0.1',
        port: 0,
        silent: true,
        directory,
        vhostBuckets: false,
      });
      const { port } = await s3.run();
      cleanups.push(() => s3.close());
      await s3.store.putBucket('darkroom-in');
      await s3.store.putBucket('darkroom-out');
      s3Endpoint = `http://127.0.0.1:${port}`;
      storageConfig = {
        s3: {
          default: {
            region: 'us-east-1',
            endpoint: s3Endpoint,
            forcePathStyle: true,
            // s3rver's built-in local account; it exists only on this machine.
            credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          },
        },
      };
      at = { inputs: `s3://darkroom-in/${run}`, outputs: `s3://darkroom-out/${run}` };
    }
    const storage = new StorageRegistry(storageConfig);
    cleanups.push(() => storage.close());

    let emulator: Emulator | undefined;
    const apiEnv: Record<string, string> = {};
    if (env.ADOBE_CLIENT_ID && env.ADOBE_CLIENT_SECRET) {
      for (const key of Object.keys(env))
        if (key.startsWith('ADOBE_')) apiEnv[key] = env[key] ?? '';
    } else {
      emulator = await createEmulator({
        port: 0,
        timeFactor: DEMO_TIME_FACTOR,
        scaleRateLimits: true,
        clients: [DEMO_CLIENT],
      });
      cleanups.push(() => emulator!.close());
      Object.assign(apiEnv, {
        ADOBE_CLIENT_ID: DEMO_CLIENT.clientId,
        ADOBE_CLIENT_SECRET: DEMO_CLIENT.clientSecret,
        ADOBE_IMS_URL: emulator.url,
        ADOBE_API_URL: emulator.url,
        ADOBE_API_V2_URL: emulator.url,
        BUDGET_TIME_SCALE: String(DEMO_TIME_FACTOR),
        EXPECTED_DURATION_SCALE: String(DEMO_TIME_FACTOR),
      });
    }

    const prefix = env.DARKROOM_PREFIX ?? DEFAULT_PREFIX;
    const queueName = env.DARKROOM_QUEUE ?? DEFAULT_QUEUE;
    const worker = await createWorker(
      parseWorkerConfig({
        REDIS_URL: redis.url,
        DARKROOM_PREFIX: prefix,
        DARKROOM_QUEUE: queueName,
        WORKER_HOST: '127.0.0.1',
        WORKER_PORT: env.WORKER_PORT ?? '0',
        LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
        DARKROOM_STORAGE: JSON.stringify(storageConfig),
        ...apiEnv,
      }),
    );
    cleanups.push(() => worker.close());

    const user = 'admin';
    const password = env.DASHBOARD_PASSWORD ?? randomBytes(9).toString('base64url');
    const board = createDashboard({
      redis: redis.url,
      queues: [queueName],
      prefix,
      auth: { mode: 'basic', users: [{ username: user, password, role: 'admin' }] },
    });
    const { url } = await board.listen(Number(env.DASHBOARD_PORT ?? 0), '127.0.0.1');
    cleanups.push(() => board.close());

    const edits = new EditQueue({ connection: redis.url, prefix, queueName });
    cleanups.push(() => edits.close());

    let closing: Promise<void> | undefined;
    return {
      redis,
      edits,
      storage,
      at,
      worker,
      ...(emulator ? { emulator } : {}),
      ...(s3Endpoint ? { s3Endpoint } : {}),
      dashboard: { url, user, password },
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
