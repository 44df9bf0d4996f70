import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Emulator, EmulatorOptions } from '@darkroom/emulator';
import type { EditQueue, RedisTarget } from '@darkroom/jobs';
import type { StorageConfig, StorageRegistry } from '@darkroom/storage';
import {
  redisUrl,
  testJpeg,
  thirdPartyPath,
  uniqueName,
  type S3rverFixture,
} from '@darkroom/testing';
import { startStack as startStackFixture } from '@darkroom/testing/stack';
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
 * The whole pipeline on loopback (the shared stack fixture of `@darkroom/testing`): real Redis,
 * s3rver, the emulator over HTTP and real in-process workers, whose log lines go to `logs`.
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
  const logs = new LogSink();
  const stack = await startStackFixture({
    redis: { url: redisUrl(), ...options.redis },
    providers: options.storage,
    emulator: { limits: false, ...options.emulator },
    timeFactor: options.timeFactor ?? 0.001,
    client: CLIENT,
    queue: { queueName: uniqueName('edits'), backoffMs: 50 },
    startWorker: (env) =>
      createWorker(parseWorkerConfig(env), {
        logDestination: logs,
      }),
    env: {
      WORKER_CONCURRENCY: '20',
      WORKER_DRAIN_TIMEOUT_MS: '5000',
      API_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'debug',
    },
  });
  const [inBucket, outBucket] = stack.buckets as [string, string];
  return {
    s3: stack.s3!,
    inBucket,
    outBucket,
    emulator: stack.emulator!,
    storage: stack.storage,
    storageConfig: stack.storageConfig,
    edits: stack.edits!,
    queueName: stack.queueName!,
    env: stack.env,
    logs,
    startWorker: (extraEnv) => stack.startWorker(extraEnv),
    put: (ref, body, contentType) => stack.storage.upload(ref, body, contentType),
    get: (ref) => stack.storage.download(ref),
    sample: (name) => readFile(join(SAMPLES, name)),
    jpeg: () => testJpeg(),
    close: () => stack.close(),
  };
}

export { uniqueName };
