import sharp from 'sharp';
import type { Emulator, EmulatorOptions } from '@darkroom/emulator';
import type { StorageConfig, StorageRegistry } from '@darkroom/storage';
import type { S3rverFixture } from '@darkroom/testing';
import { startStack } from '@darkroom/testing/stack';

export const CLIENT = { clientId: 'darkroom-outage', clientSecret: 'outage-secret-value-3' };

/** s3rver with an input image uploaded, and the emulator; what every outage test runs against. */
export interface Pipeline {
  s3: S3rverFixture;
  emulator: Emulator;
  storage: StorageRegistry;
  storageConfig: StorageConfig;
  input: string;
  outBucket: string;
  /** Worker environment for this pipeline (REDIS_URL and the queue are the caller's). */
  workerEnv(apiUrl?: string): Record<string, string>;
  /** Writes an object the way its provider's uploads take it (`StorageRegistry.upload`). */
  put(ref: string, body: Buffer, contentType: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The stack fixture without a queue or workers: each outage test brings its own Redis, queue
 * and workers (in this process or as child processes) and points them at this pipeline.
 */
export async function startPipeline(emulatorOptions: EmulatorOptions = {}): Promise<Pipeline> {
  const stack = await startStack({
    queue: false,
    emulator: { limits: false, ...emulatorOptions },
    timeFactor: emulatorOptions.timeFactor ?? 0.001,
    client: CLIENT,
    // The rate budget stays fast even when remote jobs run slower.
    env: { BUDGET_TIME_SCALE: '0.001', API_TIMEOUT_MS: '5000', LOG_LEVEL: 'info' },
  });
  const emulator = stack.emulator!;
  const [inBucket, outBucket] = stack.buckets as [string, string];
  const put = (ref: string, body: Buffer, contentType: string): Promise<void> =>
    stack.storage.upload(ref, body, contentType);
  const input = `s3://${inBucket}/input.jpg`;
  try {
    const image = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 140, b: 30 } },
    })
      .jpeg()
      .toBuffer();
    await put(input, image, 'image/jpeg');
  } catch (err) {
    await stack.close();
    throw err;
  }
  // REDIS_URL (and no queue) come from the stack; every outage test sets its own.
  const { REDIS_URL: _redis, ...env } = stack.env;
  return {
    s3: stack.s3!,
    emulator,
    storage: stack.storage,
    storageConfig: stack.storageConfig,
    input,
    outBucket,
    put,
    workerEnv: (apiUrl = emulator.url) => ({
      ...env,
      ADOBE_API_URL: apiUrl,
      ADOBE_API_V2_URL: apiUrl,
    }),
    close: () => stack.close(),
  };
}
