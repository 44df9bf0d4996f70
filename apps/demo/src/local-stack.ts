import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, parseEnv } from '@darkroom/config';
import { closeAll, closeOnce } from '@darkroom/core';
import { createDashboard } from '@darkroom/dashboard';
import type { Emulator } from '@darkroom/emulator';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, runtimeEnvShape, type EditQueue } from '@darkroom/jobs';
import type { StorageConfig, StorageRegistry } from '@darkroom/storage';
import {
  startStack,
  type StackFixture,
  type StackOptions,
  type StackRedis,
} from '@darkroom/testing/stack';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';
import { z } from 'zod';
import type { MainJobLocations } from './main-job';

export interface LocalStack {
  /** Redis's URL and where it came from: REDIS_URL, the machine's 6379, or started here. */
  redis: Pick<StackRedis, 'url' | 'origin'>;
  edits: EditQueue;
  storage: StorageRegistry;
  /** The storage configuration the worker uses: s3rver's, or DARKROOM_STORAGE. */
  storageConfig: StorageConfig;
  at: MainJobLocations;
  /**
   * Where recipe runs write their intermediates (the EditQueue's `scratch`): a folder of the
   * demo's run, `s3://darkroom-scratch/<run>/` or under DEMO_SCRATCH; each recipe run uses
   * `<scratch><runId>/` and empties it when it completes.
   */
  scratch: string;
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
const DEMO_BUCKETS = {
  inputs: 'darkroom-in',
  outputs: 'darkroom-out',
  // A bucket of its own, so a run's intermediates are never among the outputs a user browses.
  scratch: 'darkroom-scratch',
};

/** What `storagePlan` decides: the stack's storage option, the run's folders and its scratch. */
interface StoragePlan {
  option: NonNullable<StackOptions['storage']>;
  at: MainJobLocations;
  /** The EditQueue's `scratch`: where recipe runs write intermediates, ending in `/`. */
  scratch: string;
}

/** DARKROOM_STORAGE, when it is set: the storage the demo uses in place of s3rver. */
const demoStorageEnv = z.object({ DARKROOM_STORAGE: runtimeEnvShape.DARKROOM_STORAGE.unwrap() });

/** `prefix` with a trailing `/`, so two prefixes compare as folders. */
const asFolder = (prefix: string): string => (prefix.endsWith('/') ? prefix : `${prefix}/`);

/**
 * The configured DEMO_* prefixes, each required with DARKROOM_STORAGE, and the scratch apart
 * from the others: a run deletes what it leaves under its scratch folder, so that folder must
 * hold neither the samples nor the outputs, nor sit inside them.
 */
function configuredPrefixes(
  env: NodeJS.ProcessEnv,
): Record<'inputs' | 'outputs' | 'scratch', string> {
  const names = {
    inputs: 'DEMO_INPUTS',
    outputs: 'DEMO_OUTPUTS',
    scratch: 'DEMO_SCRATCH',
  } as const;
  const missing = Object.values(names).filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((variable) => ({
        variable,
        rule: 'required with DARKROOM_STORAGE: a reference prefix such as s3://my-bucket/darkroom-demo',
      })),
    );
  }
  const [inputs, outputs, scratch] = [names.inputs, names.outputs, names.scratch].map((name) =>
    (env[name] ?? '').replace(/\/+$/, ''),
  ) as [string, string, string];
  const overlaps = [inputs, outputs].some(
    (other) =>
      asFolder(scratch).startsWith(asFolder(other)) ||
      asFolder(other).startsWith(asFolder(scratch)),
  );
  if (overlaps) {
    throw new ConfigError([
      {
        variable: names.scratch,
        rule: 'must be apart from DEMO_INPUTS and DEMO_OUTPUTS (neither inside them nor holding them): runs delete what they leave there',
      },
    ]);
  }
  return { inputs, outputs, scratch };
}

/**
 * Where the main job reads and writes: the configured storage and DEMO_INPUTS/DEMO_OUTPUTS/
 * DEMO_SCRATCH prefixes, or s3rver's three buckets. Each run gets a folder of its own in each.
 */
function storagePlan(env: NodeJS.ProcessEnv, dataDir: string): StoragePlan {
  const run = new Date().toISOString().replace(/[:.]/g, '-');
  if (!env.DARKROOM_STORAGE) {
    return {
      option: { s3rver: { directory: join(dataDir, 's3') } },
      at: {
        inputs: `s3://${DEMO_BUCKETS.inputs}/${run}`,
        outputs: `s3://${DEMO_BUCKETS.outputs}/${run}`,
      },
      scratch: `s3://${DEMO_BUCKETS.scratch}/${run}/`,
    };
  }
  // Parsed as every Darkroom process parses it: a bad value is a ConfigError naming the variable.
  const config: StorageConfig = parseEnv(demoStorageEnv, env).DARKROOM_STORAGE;
  const prefixes = configuredPrefixes(env);
  return {
    option: { config },
    at: { inputs: `${prefixes.inputs}/${run}`, outputs: `${prefixes.outputs}/${run}` },
    scratch: `${prefixes.scratch}/${run}/`,
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
  plan: StoragePlan,
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
    storage: plan.option,
    buckets: [DEMO_BUCKETS.inputs, DEMO_BUCKETS.outputs, DEMO_BUCKETS.scratch],
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
      scratch: plan.scratch,
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
 * configured: REDIS_URL for Redis, DARKROOM_STORAGE (+ DEMO_INPUTS, DEMO_OUTPUTS and
 * DEMO_SCRATCH prefixes) for storage, ADOBE_CLIENT_ID/ADOBE_CLIENT_SECRET for Adobe's API.
 */
export async function startLocalStack(
  env: NodeJS.ProcessEnv,
  dataDir: string,
  logs: StackLogs = { level: 'silent' },
): Promise<LocalStack> {
  const plan = storagePlan(env, dataDir);
  const stack = await startPipeline(env, dataDir, plan, logs);
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
      scratch: plan.scratch,
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
