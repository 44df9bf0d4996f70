import { Writable } from 'node:stream';
import { generateSecret } from '@darkroom/callbacks';
import {
  redisClient,
  redisUrl,
  startCallbackReceiver,
  testJpeg,
  uniqueName,
  type CallbackReceiver,
} from '@darkroom/testing';
import { startStack, type StackFixture } from '@darkroom/testing/stack';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';
import { startProducer, type RunningProducer } from '../../src/start-producer';

const quiet = new Writable({ write: (_chunk, _enc, done) => done() });

/** Redis, s3rver, the emulator, workers signing callbacks, a producer, and the application. */
export interface CallbackStack {
  /** The application's endpoint, which the callbacks reach. */
  app: CallbackReceiver;
  stack: StackFixture<DarkroomWorker>;
  producer: RunningProducer;
  /** The CLI's environment: the stack's, without the callback secrets. */
  env: Record<string, string>;
  /** The producer's URL, and a bearer token it takes. */
  base: string;
  token: string;
  /** The secret the workers sign callbacks with. */
  secret: string;
  /** A JPEG uploaded as an edit's input, and the bucket outputs go to. */
  input: string;
  outBucket: string;
  queueName: string;
  callbackQueue: string;
  close(): Promise<void>;
}

interface CallbackStackOptions {
  name: string;
  workers: number;
  workerEnv?: Record<string, string>;
  prepare?: (app: CallbackReceiver) => void;
}

/**
 * Starts the whole path of an edit with a callback: `workers` workers sign with a fresh secret,
 * `workerEnv` adds to their environment, `prepare` sets the application up before anything
 * starts. `name` tells the run's client, token and input apart. What started is stopped again
 * when a later part fails to start.
 */
export async function startCallbackStack(options: CallbackStackOptions): Promise<CallbackStack> {
  const app = await startCallbackReceiver();
  try {
    options.prepare?.(app);
    return await startAround(app, options);
  } catch (err) {
    await app.close();
    throw err;
  }
}

async function startAround(
  app: CallbackReceiver,
  options: CallbackStackOptions,
): Promise<CallbackStack> {
  const secret = generateSecret();
  const token = `${options.name}-token`;
  const queueName = uniqueName('edits');
  const callbackQueue = uniqueName('callbacks');
  const callbackEnv = {
    DARKROOM_CALLBACK_ALLOW: app.hostPort,
    DARKROOM_CALLBACK_QUEUE: callbackQueue,
  };
  const stack = await startStack({
    redis: { url: redisUrl() },
    emulator: { limits: false },
    timeFactor: 0.001,
    client: { clientId: options.name, clientSecret: `${options.name}-secret-value` },
    queue: { queueName, backoffMs: 50 },
    startWorker: (workerEnv) =>
      createWorker(parseWorkerConfig(workerEnv), { logDestination: quiet }),
    env: {
      WORKER_DRAIN_TIMEOUT_MS: '5000',
      API_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'silent',
      ...callbackEnv,
      DARKROOM_CALLBACK_SECRETS: secret,
      ...options.workerEnv,
    },
  });
  const env: Record<string, string> = { ...stack.env, ...callbackEnv };
  delete env.DARKROOM_CALLBACK_SECRETS;
  let producer: RunningProducer;
  try {
    producer = await startProducer({
      ...env,
      PRODUCER_TOKENS: token,
      PRODUCER_HOST: '127.0.0.1',
      PRODUCER_PORT: '0',
      PRODUCER_METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
  } catch (err) {
    await stack.close();
    throw err;
  }
  const close = async (): Promise<void> => {
    await producer.close();
    await stack.close();
    await app.close();
    const redis = redisClient();
    const left = [
      ...(await redis.keys(`{darkroom}:${callbackQueue}:*`)),
      ...(await redis.keys(`{darkroom}:${queueName}:*`)),
    ];
    if (left.length > 0) await redis.del(...left);
    redis.disconnect();
  };
  try {
    for (let i = 0; i < options.workers; i += 1) await stack.startWorker();
    const [inBucket, outBucket] = stack.buckets as [string, string];
    const input = `s3://${inBucket}/${uniqueName(options.name)}/input.jpg`;
    await stack.storage.upload(input, await testJpeg(), 'image/jpeg');
    const base = `http://127.0.0.1:${producer.port}`;
    return {
      app,
      stack,
      producer,
      env,
      base,
      token,
      secret,
      input,
      outBucket,
      queueName,
      callbackQueue,
      close,
    };
  } catch (err) {
    await producer.close();
    await stack.close();
    throw err;
  }
}
