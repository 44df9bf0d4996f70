import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createEmulator, type Emulator, type EmulatorOptions } from '@darkroom/emulator';
import { EditQueue, type RedisTarget } from '@darkroom/jobs';
import { StorageRegistry, type StorageConfig } from '@darkroom/storage';
import {
  redisUrl,
  startS3rver,
  uniqueName,
  type S3rverFixture,
  testJpeg,
  thirdPartyPath,
} from '@darkroom/testing';
import { Writable } from 'node:stream';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '../../src';

export const SAMPLES = thirdPartyPath('adobe', 'samples');
export const CLIENT = { clientId: 'darkroom-e2e', clientSecret: 'e2e-secret-value' };

/** Collects every log line a worker writes, for assertions and secret scans. */
export class LogSink extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }
}

export interface Stack {
  s3: S3rverFixture;
  inBucket: string;
  outBucket: string;
  emulator: Emulator;
  storage: StorageRegistry;
  storageConfig: StorageConfig;
  edits: EditQueue;
  queueName: string;
  env: Record<string, string>;
  logs: LogSink;
  startWorker(extraEnv?: Record<string, string>): Promise<DarkroomWorker>;
  /** Writes bytes to a reference the way its provider's uploads take them (a POST for Dropbox). */
  put(ref: string, body: Buffer, contentType?: string): Promise<void>;
  /** Reads an object back through a presigned read URL. */
  get(ref: string): Promise<Buffer>;
  /** One of Adobe's sample files (third_party/adobe/samples), for tests where its fidelity matters. */
  sample(name: string): Promise<Buffer>;
  /** A JPEG drawn for the test, for tests that need any image. */
  jpeg(): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * The whole pipeline on loopback: real Redis, s3rver, the emulator over HTTP and real workers.
 * Time runs a thousand times faster in the emulator and in the worker's expectations.
 */
export async function startStack(
  options: {
    emulator?: EmulatorOptions;
    timeFactor?: number;
    storage?: Pick<StorageConfig, 'azure' | 'dropbox'>;
    /** Another Redis than the shared one, e.g. a cluster: the queue's target and the worker's env. */
    redis?: { target: RedisTarget; env: Record<string, string> };
  } = {},
): Promise<Stack> {
  const timeFactor = options.timeFactor ?? 0.001;
  const s3 = await startS3rver();
  const inBucket = await s3.createBucket();
  const outBucket = await s3.createBucket();
  const emulator = await createEmulator({
    port: 0,
    timeFactor,
    clients: [CLIENT],
    limits: false,
    ...options.emulator,
  });
  const storageConfig: StorageConfig = { s3: { default: s3.config }, ...options.storage };
  const storage = new StorageRegistry(storageConfig);
  const queueName = uniqueName('edits');
  const edits = new EditQueue({
    connection: options.redis?.target ?? redisUrl(),
    queueName,
    backoffMs: 50,
  });
  const logs = new LogSink();
  const workers: DarkroomWorker[] = [];
  const env: Record<string, string> = {
    REDIS_URL: redisUrl(),
    DARKROOM_QUEUE: queueName,
    WORKER_HOST: '127.0.0.1',
    WORKER_PORT: '0',
    WORKER_CONCURRENCY: '20',
    WORKER_DRAIN_TIMEOUT_MS: '5000',
    ADOBE_CLIENT_ID: CLIENT.clientId,
    ADOBE_CLIENT_SECRET: CLIENT.clientSecret,
    ADOBE_IMS_URL: emulator.url,
    ADOBE_API_URL: emulator.url,
    ADOBE_API_V2_URL: emulator.url,
    DARKROOM_STORAGE: JSON.stringify(storageConfig),
    EXPECTED_DURATION_SCALE: String(timeFactor),
    BUDGET_TIME_SCALE: String(timeFactor),
    API_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'debug',
    ...options.redis?.env,
  };

  return {
    s3,
    inBucket,
    outBucket,
    emulator,
    storage,
    storageConfig,
    edits,
    queueName,
    env,
    logs,
    async startWorker(extraEnv = {}) {
      const worker = await createWorker(parseWorkerConfig({ ...env, ...extraEnv }), {
        logDestination: logs,
      });
      workers.push(worker);
      return worker;
    },
    put: (ref, body, contentType) => storage.upload(ref, body, contentType),
    get: (ref) => storage.download(ref),
    sample: (name) => readFile(join(SAMPLES, name)),
    jpeg: () => testJpeg(),
    async close() {
      await Promise.allSettled(workers.map((w) => w.close()));
      await edits.queue.obliterate({ force: true }).catch(() => undefined);
      await edits.close();
      await storage.close();
      await emulator.close();
      await s3.close();
    },
  };
}

export { uniqueName };
