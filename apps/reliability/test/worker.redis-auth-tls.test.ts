import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, type AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';
import sharp from 'sharp';
import { createEmulator, type Emulator } from '@darkroom/emulator';
import { EditQueue, type RedisTarget } from '@darkroom/jobs';
import { StorageRegistry, type StorageConfig } from '@darkroom/storage';
import {
  freePort,
  guardAgainstLeaks,
  startS3rver,
  uniqueName,
  waitFor,
  type S3rverFixture,
} from '@darkroom/testing';
import { spawnWorker, stopWorker } from '../src';

guardAgainstLeaks();

const run = promisify(execFile);
const CLIENT = { clientId: 'darkroom-tls', clientSecret: 'tls-secret-value-9' };
const PASSWORD = 'r3dis-pa55-for-darkroom';

/** A private redis-server with arbitrary arguments (auth and TLS defeat a plain-text PING check). */
async function startRedis(
  args: string[],
  client: RedisOptions,
): Promise<{ close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-redis-sec-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      ...args,
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  await waitFor(
    async () => {
      const probe = new Redis({
        ...client,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    },
    { timeoutMs: 10_000, what: 'the private redis-server' },
  ).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { close: stop };
}

describe('a worker process reaches a secured Redis by configuration alone', () => {
  let s3: S3rverFixture;
  let emulator: Emulator;
  let storage: StorageRegistry;
  let storageConfig: StorageConfig;
  let input: string;
  let outBucket: string;
  let certDir: string;

  beforeAll(async () => {
    s3 = await startS3rver();
    const inBucket = await s3.createBucket();
    outBucket = await s3.createBucket();
    storageConfig = { s3: { default: s3.config } };
    storage = new StorageRegistry(storageConfig);
    input = `s3://${inBucket}/in.jpg`;
    const jpeg = await sharp({
      create: { width: 32, height: 32, channels: 3, background: { r: 9, g: 80, b: 200 } },
    })
      .jpeg()
      .toBuffer();
    await storage.upload(input, jpeg, 'image/jpeg');
    emulator = await createEmulator({
      port: 0,
      timeFactor: 0.001,
      clients: [CLIENT],
      limits: false,
    });
    certDir = await mkdtemp(join(tmpdir(), 'darkroom-tls-'));
    // One self-signed certificate for 127.0.0.1 serves as the server certificate and the CA.
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
  });
  afterAll(async () => {
    await emulator.close();
    await storage.close();
    await s3.close();
    await rm(certDir, { recursive: true, force: true });
  });

  const runOneJob = async (
    redisUrl: string,
    target: RedisTarget,
    extraEnv: Record<string, string>,
  ): Promise<{ state: string; logs: string[] }> => {
    const queueName = uniqueName('secure');
    const edits = new EditQueue({ connection: target, queueName });
    const worker = spawnWorker('secure', {
      REDIS_URL: redisUrl,
      DARKROOM_QUEUE: queueName,
      WORKER_HOST: '127.0.0.1',
      WORKER_PORT: '0',
      ADOBE_CLIENT_ID: CLIENT.clientId,
      ADOBE_CLIENT_SECRET: CLIENT.clientSecret,
      ADOBE_IMS_URL: emulator.url,
      ADOBE_API_URL: emulator.url,
      ADOBE_API_V2_URL: emulator.url,
      DARKROOM_STORAGE: JSON.stringify(storageConfig),
      EXPECTED_DURATION_SCALE: '0.001',
      BUDGET_TIME_SCALE: '0.001',
      ...extraEnv,
    });
    try {
      await worker.started;
      const { id } = await edits.enqueue({
        operation: 'v2.createComposite',
        input,
        outputs: [
          { ref: `s3://${outBucket}/${uniqueName('o')}.png`, mediaType: 'image/png', width: 16 },
        ],
      });
      const done = await edits.waitFor(id, { timeout: 30_000 });
      return { state: done.state, logs: worker.lines };
    } finally {
      await stopWorker(worker);
      await edits.queue.obliterate({ force: true }).catch(() => undefined);
      await edits.close();
    }
  };

  it('with requirepass: REDIS_URL=redis://:<password>@host:port', async () => {
    const port = await freePort();
    const redis = await startRedis(['--port', String(port), '--requirepass', PASSWORD], {
      host: '127.0.0.1',
      port,
      password: PASSWORD,
    });
    try {
      const url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
      const { state, logs } = await runOneJob(url, url, {});
      expect(state).toBe('completed');
      // The password is part of the URL the worker was given; it must not be logged.
      expect(logs.join('\n')).not.toContain(PASSWORD);
    } finally {
      await redis.close();
    }
  });

  // Debian's redis-server 7.0 is built without TLS (it refuses every tls-* directive), so the
  // TLS hop is a Node TLS terminator in front of the password-protected Redis: the worker still
  // speaks rediss:// with a CA it only knows from NODE_EXTRA_CA_CERTS.
  it('over TLS: REDIS_URL=rediss://:<password>@host:tlsport and NODE_EXTRA_CA_CERTS', async () => {
    const port = await freePort();
    const redis = await startRedis(['--port', String(port), '--requirepass', PASSWORD], {
      host: '127.0.0.1',
      port,
      password: PASSWORD,
    });
    const cert = await readFile(join(certDir, 'cert.pem'));
    const key = await readFile(join(certDir, 'key.pem'));
    let tlsSessions = 0;
    const terminator = createTlsServer({ cert, key }, (socket) => {
      tlsSessions += 1;
      const upstream = connect(port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      const end = (): void => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => terminator.listen(0, '127.0.0.1', resolve));
    const tlsPort = (terminator.address() as AddressInfo).port;
    try {
      const { state, logs } = await runOneJob(
        `rediss://:${PASSWORD}@127.0.0.1:${tlsPort}`,
        { host: '127.0.0.1', port: tlsPort, password: PASSWORD, tls: { ca: cert } },
        { NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') },
      );
      expect(state).toBe('completed');
      expect(tlsSessions).toBeGreaterThan(0);
      expect(logs.join('\n')).not.toContain(PASSWORD);
    } finally {
      await new Promise<void>((resolve) => {
        terminator.close(() => resolve());
      });
      await redis.close();
    }
  });
});
