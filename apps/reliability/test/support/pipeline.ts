import sharp from 'sharp';
import { createEmulator, type Emulator, type EmulatorOptions } from '@darkroom/emulator';
import { StorageRegistry, type StorageConfig } from '@darkroom/storage';
import { startS3rver, type S3rverFixture } from '@darkroom/testing';

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

export async function startPipeline(emulatorOptions: EmulatorOptions = {}): Promise<Pipeline> {
  const s3 = await startS3rver();
  const inBucket = await s3.createBucket();
  const outBucket = await s3.createBucket();
  const storageConfig: StorageConfig = { s3: { default: s3.config } };
  const storage = new StorageRegistry(storageConfig);
  const emulator = await createEmulator({
    port: 0,
    timeFactor: 0.001,
    clients: [CLIENT],
    limits: false,
    ...emulatorOptions,
  });
  const put = (ref: string, body: Buffer, contentType: string): Promise<void> =>
    storage.upload(ref, body, contentType);
  const input = `s3://${inBucket}/input.jpg`;
  await put(
    input,
    await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 140, b: 30 } },
    })
      .jpeg()
      .toBuffer(),
    'image/jpeg',
  );
  const timeFactor = String(emulatorOptions.timeFactor ?? 0.001);
  let closing: Promise<void> | undefined;
  return {
    s3,
    emulator,
    storage,
    storageConfig,
    input,
    outBucket,
    put,
    workerEnv: (apiUrl = emulator.url) => ({
      WORKER_HOST: '127.0.0.1',
      WORKER_PORT: '0',
      ADOBE_CLIENT_ID: CLIENT.clientId,
      ADOBE_CLIENT_SECRET: CLIENT.clientSecret,
      ADOBE_IMS_URL: emulator.url,
      ADOBE_API_URL: apiUrl,
      ADOBE_API_V2_URL: apiUrl,
      DARKROOM_STORAGE: JSON.stringify(storageConfig),
      EXPECTED_DURATION_SCALE: timeFactor,
      BUDGET_TIME_SCALE: '0.001',
      API_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'info',
    }),
    close: () =>
      (closing ??= (async () => {
        await emulator.close();
        await storage.close();
        await s3.close();
      })()),
  };
}
