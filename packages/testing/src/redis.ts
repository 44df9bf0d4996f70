import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports';
import { waitFor } from './wait';

/** The Redis every ordinary test uses: REDIS_URL, or the machine's own on 6379. */
export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A short-lived client for assertions; the caller quits it. */
export function redisClient(url = redisUrl()): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
}

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, or SIGKILL with `{ kill: true }`) and keeps its data folder. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--appendonly', 'yes']`. */
  args?: string[];
  port?: number;
}

/**
 * Starts a private `redis-server` on a free loopback port, for tests that must stop, kill or
 * reconfigure Redis. Defaults mirror production: `noeviction`, no RDB snapshots.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  // A raw PING over a socket: an ioredis client here would leave reconnect timers behind.
  const ping = (): Promise<boolean> =>
    new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1_000, () => done(false));
      socket.once('error', () => done(false));
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    });

  const start = async (): Promise<void> => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      ...(options.args ?? []),
    ];
    const proc = spawn('redis-server', args, { stdio: 'ignore' });
    child = proc;
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code) =>
        reject(new Error(`redis-server exited with code ${String(code)}`)),
      ),
    );
    exited.catch(() => undefined);
    await Promise.race([
      waitFor(ping, { timeoutMs: 10_000, what: `redis-server on ${port}` }),
      exited,
    ]);
  };

  const stop = async ({ kill = false } = {}): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(kill ? 'SIGKILL' : 'SIGTERM');
    });
  };

  await start();
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    stop,
    start,
    close: () =>
      (closing ??= (async () => {
        await stop();
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}
