import { closeAll, closeOnce, type Cleanup, type Closable } from '@darkroom/core';
import { createEmulator, type Emulator, type EmulatorClient } from '@darkroom/emulator';
import { EditQueue } from '@darkroom/jobs';
import type { StorageConfig } from '@darkroom/storage';
import { uniqueName } from '../names';
import type { StackFixture, StackOptions, StackQueueOptions } from './stack-options';
import { startStackRedis } from './stack-redis';
import { startStackStorage } from './stack-storage';

const DEFAULT_TIME_FACTOR = 0.001;
const DEFAULT_CLIENT: EmulatorClient = {
  clientId: 'darkroom-stack',
  clientSecret: 'stack-client-secret-value',
};

/** The emulator as the stack's workers reach it: credentials, URLs and time scales. */
function apiEnv(emulator: Emulator, client: EmulatorClient, timeFactor: number) {
  return {
    ADOBE_CLIENT_ID: client.clientId,
    ADOBE_CLIENT_SECRET: client.clientSecret,
    ADOBE_IMS_URL: emulator.url,
    ADOBE_API_URL: emulator.url,
    ADOBE_API_V2_URL: emulator.url,
    EXPECTED_DURATION_SCALE: String(timeFactor),
    BUDGET_TIME_SCALE: String(timeFactor),
  };
}

/** The workers' environment: the stack's parts, then the caller's `env` over them. */
function workerEnv(
  options: StackOptions<Closable>,
  parts: {
    redisEnv: Record<string, string>;
    queueName: string | undefined;
    storage: StorageConfig;
    emulator: Emulator | undefined;
  },
): Record<string, string> {
  const prefix = options.queue ? options.queue.prefix : undefined;
  const timeFactor = options.timeFactor ?? DEFAULT_TIME_FACTOR;
  return {
    ...parts.redisEnv,
    ...(parts.queueName ? { DARKROOM_QUEUE: parts.queueName } : {}),
    ...(prefix ? { DARKROOM_PREFIX: prefix } : {}),
    WORKER_HOST: '127.0.0.1',
    WORKER_PORT: '0',
    DARKROOM_STORAGE: JSON.stringify(parts.storage),
    // The emulator serves every generation, and tests run both: v1 is allowed here on purpose.
    DARKROOM_LEGACY_API: 'allow',
    ...(parts.emulator ? apiEnv(parts.emulator, options.client ?? DEFAULT_CLIENT, timeFactor) : {}),
    ...options.env,
  };
}

async function startEmulator(options: StackOptions<Closable>): Promise<Emulator | undefined> {
  if (options.emulator === false) return undefined;
  return createEmulator({
    port: 0,
    timeFactor: options.timeFactor ?? DEFAULT_TIME_FACTOR,
    clients: [options.client ?? DEFAULT_CLIENT],
    ...(options.faults ? { faults: options.faults } : {}),
    ...options.emulator,
  });
}

/** Opens the queue; on close its jobs go too, unless the caller keeps them. */
function openQueue(target: StackFixture['redis']['target'], options: StackQueueOptions) {
  const { keepJobs = false, ...queueOptions } = options;
  const edits = new EditQueue({
    ...queueOptions,
    connection: target,
    queueName: options.queueName ?? uniqueName('edits'),
  });
  const close = async (): Promise<void> => {
    // Best effort: a run that stopped Redis for good has nothing left to remove.
    if (!keepJobs) {
      // Recipe runs live in a queue of their own beside the edits.
      await edits
        .runs()
        .queue.obliterate({ force: true })
        .catch(() => undefined);
      await edits.queue.obliterate({ force: true }).catch(() => undefined);
    }
    await edits.close();
  };
  return { edits, close };
}

/**
 * The whole Darkroom pipeline on this machine for tests, benchmarks and the demo: Redis,
 * storage (s3rver unless configured), the emulator (unless the real API is configured), an
 * EditQueue and workers from the caller's factory. Whatever starts before a failure is closed
 * again before the error is thrown.
 */
export async function startStack<W extends Closable = Closable>(
  options: StackOptions<W> = {},
): Promise<StackFixture<W>> {
  const cleanups: Cleanup[] = [];
  const close = closeOnce(() => closeAll(cleanups.reverse()));
  try {
    const started = await startStackRedis(options.redis);
    cleanups.push(() => started.close());
    const storage = await startStackStorage(options);
    cleanups.push(() => storage.close());
    const emulator = await startEmulator(options);
    if (emulator) cleanups.push(() => emulator.close());
    const queue =
      options.queue === false ? undefined : openQueue(started.redis.target, options.queue ?? {});
    if (queue) cleanups.push(queue.close);

    const env = workerEnv(options, {
      redisEnv: started.env,
      queueName: queue?.edits.queueName,
      storage: storage.storageConfig,
      emulator,
    });
    const workers: W[] = [];
    cleanups.push(() =>
      closeAll(
        workers.map((w) => () => w.close()),
        { concurrent: true },
      ),
    );
    const startWorker = async (extraEnv: Record<string, string> = {}): Promise<W> => {
      if (!options.startWorker) throw new Error('startStack was given no startWorker factory');
      const worker = await options.startWorker({ ...env, ...extraEnv });
      workers.push(worker);
      return worker;
    };
    for (let i = 0; i < (options.workers ?? 0); i += 1) await startWorker();

    return {
      redis: started.redis,
      ...(storage.s3 ? { s3: storage.s3 } : {}),
      buckets: storage.buckets,
      storageConfig: storage.storageConfig,
      storage: storage.storage,
      ...(emulator ? { emulator } : {}),
      ...(queue ? { edits: queue.edits, queueName: queue.edits.queueName } : {}),
      env,
      workers,
      startWorker,
      close,
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
