import { guardAgainstLeaks, pingRedis, redisClient, testJpeg } from '../src';
import { startStack, type StackFixture } from '../src/stack';

guardAgainstLeaks();

/** A stand-in for a Darkroom worker: the fixture only starts and closes what the factory gives. */
interface FakeWorker {
  env: Record<string, string>;
  closed: number;
  close(): Promise<void>;
}
const fakeWorker = (env: Record<string, string>, fail = false): Promise<FakeWorker> => {
  const worker: FakeWorker = {
    env,
    closed: 0,
    close: () => {
      worker.closed += 1;
      return fail ? Promise.reject(new Error('worker would not close')) : Promise.resolve();
    },
  };
  return Promise.resolve(worker);
};

const answers = async (url: string): Promise<boolean> => {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
};

describe('startStack', () => {
  it('wires Redis, s3rver, the emulator, a queue and the workers, and closes them all once', async () => {
    const stack: StackFixture<FakeWorker> = await startStack({
      redis: { server: {} },
      buckets: ['stack-in', 'stack-out'],
      timeFactor: 0.01,
      client: { clientId: 'stack-test', clientSecret: 'stack-test-secret' },
      startWorker: (env) => fakeWorker(env),
      workers: 2,
      env: { LOG_LEVEL: 'silent' },
    });
    const emulatorUrl = stack.emulator!.url;
    const s3Endpoint = stack.s3!.endpoint;
    const redisPort = stack.redis.server!.port;
    try {
      expect(stack.buckets).toEqual(['stack-in', 'stack-out']);
      expect(stack.env).toMatchObject({
        REDIS_URL: stack.redis.url,
        DARKROOM_QUEUE: stack.queueName,
        ADOBE_CLIENT_ID: 'stack-test',
        ADOBE_IMS_URL: emulatorUrl,
        ADOBE_API_URL: emulatorUrl,
        EXPECTED_DURATION_SCALE: '0.01',
        BUDGET_TIME_SCALE: '0.01',
        LOG_LEVEL: 'silent',
      });
      expect(JSON.parse(stack.env.DARKROOM_STORAGE!)).toEqual(stack.storageConfig);
      const more = await stack.startWorker({ WORKER_CONCURRENCY: '3' });
      expect(more.env).toEqual({ ...stack.env, WORKER_CONCURRENCY: '3' });
      expect(stack.workers).toHaveLength(3);

      await stack.storage.upload('s3://stack-in/a.jpg', await testJpeg(), 'image/jpeg');
      expect((await stack.storage.download('s3://stack-in/a.jpg')).subarray(0, 2)).toEqual(
        Buffer.from([0xff, 0xd8]),
      );
      await stack.edits!.enqueue({
        operation: 'renditionCreate',
        input: 's3://stack-in/a.jpg',
        outputs: [{ ref: 's3://stack-out/a.png', type: 'image/png' }],
      });
    } finally {
      await Promise.all([stack.close(), stack.close()]);
    }
    expect(stack.workers.map((w) => w.closed)).toEqual([1, 1, 1]);
    expect(await pingRedis(redisPort)).toBe(false);
    expect(await answers(emulatorUrl)).toBe(false);
    expect(await answers(s3Endpoint)).toBe(false);
  });

  it('removes its queue from a shared Redis on close, unless told to keep the jobs', async () => {
    const kept = await startStack({ queue: { keepJobs: true }, emulator: false });
    const removed = await startStack({ emulator: false });
    const job = {
      operation: 'renditionCreate',
      input: 's3://stack-in/a.jpg',
      outputs: [{ ref: 's3://stack-out/a.png', type: 'image/png' }],
    };
    try {
      await kept.edits!.enqueue(job);
      await removed.edits!.enqueue(job);
    } finally {
      await Promise.all([kept.close(), removed.close()]);
    }
    const client = redisClient();
    try {
      expect(await client.keys(`{darkroom}:${removed.queueName}:*`)).toEqual([]);
      const left = await client.keys(`{darkroom}:${kept.queueName}:*`);
      expect(left.length).toBeGreaterThan(0);
      await client.del(...left);
    } finally {
      client.disconnect();
    }
  });

  it('closes every part even when a worker fails to close, and reports that failure', async () => {
    const stack = await startStack({
      startWorker: (env) => fakeWorker(env, true),
      workers: 1,
    });
    const emulatorUrl = stack.emulator!.url;
    await expect(stack.close()).rejects.toThrow('worker would not close');
    expect(await answers(emulatorUrl)).toBe(false);
    expect(await answers(stack.s3!.endpoint)).toBe(false);
  });

  it('closes what it started when a worker fails to start', async () => {
    let env: Record<string, string> = {};
    const starting = startStack({
      redis: { server: {} },
      startWorker: (workerEnv) => {
        env = workerEnv;
        return Promise.reject(new Error('no worker today'));
      },
      workers: 1,
    });
    await expect(starting).rejects.toThrow('no worker today');
    // Every server is gone again; the leak guard checks the sockets and processes too.
    expect(await answers(env.ADOBE_API_URL!)).toBe(false);
    expect(await pingRedis(Number(new URL(env.REDIS_URL!).port))).toBe(false);
  });

  it('without an emulator, names the real API through env and uses a given storage', async () => {
    const stack = await startStack({
      emulator: false,
      queue: false,
      storage: { config: { s3: { default: { region: 'eu-west-1' } } } },
      env: { ADOBE_CLIENT_ID: 'real-client' },
    });
    try {
      expect([stack.emulator, stack.s3, stack.edits, stack.buckets]).toEqual([
        undefined,
        undefined,
        undefined,
        [],
      ]);
      expect(stack.env.ADOBE_CLIENT_ID).toBe('real-client');
      expect(stack.env.ADOBE_API_URL).toBeUndefined();
      expect(stack.env.DARKROOM_QUEUE).toBeUndefined();
      await expect(stack.startWorker()).rejects.toThrow('no startWorker factory');
    } finally {
      await stack.close();
    }
  });
});
