import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

export interface LocalRedis {
  url: string;
  /** Where it came from, for the start-up summary. */
  origin: 'REDIS_URL' | 'local 6379' | 'started here';
  close(): Promise<void>;
}

/** Thrown when no Redis can be found or started; the message says how to get one. */
export class NoRedisError extends Error {
  constructor() {
    super(
      'Darkroom needs Redis 7+ and none was found: nothing answers on 127.0.0.1:6379 and `redis-server` is not installed. ' +
        'Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
    );
    this.name = this.constructor.name;
  }
}

function ping(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * REDIS_URL if set; else a Redis answering on 127.0.0.1:6379; else a `redis-server` child on a
 * free port, with its data (AOF on) under `dataDir`; else a `NoRedisError` saying how to get one.
 */
export async function resolveRedis(env: NodeJS.ProcessEnv, dataDir: string): Promise<LocalRedis> {
  if (env.REDIS_URL)
    return { url: env.REDIS_URL, origin: 'REDIS_URL', close: () => Promise.resolve() };
  if (await ping(6379))
    return { url: 'redis://127.0.0.1:6379', origin: 'local 6379', close: () => Promise.resolve() };

  const port = await freePort();
  await mkdir(dataDir, { recursive: true });
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    join(dataDir),
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
  ];
  let child: ChildProcess;
  try {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve());
    });
  } catch {
    throw new NoRedisError();
  }
  const deadline = Date.now() + 10_000;
  while (!(await ping(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new NoRedisError();
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    origin: 'started here',
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
