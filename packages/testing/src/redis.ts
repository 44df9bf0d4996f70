import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeOnce } from '@darkroom/core';
import { Redis } from 'ioredis';
import { freePort } from './ports';
import { pingRedis } from './redis-ping';
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
  /** Stops the server and removes its data folder unless the caller chose the folder. */
  close(): Promise<void>;
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--appendonly', 'yes']`. */
  args?: string[];
  port?: number;
  /**
   * A data folder to use and keep (created when missing), so a later run finds the same data.
   * @defaultValue a temporary folder that `close()` removes
   */
  dir?: string;
  /**
   * The executable to run. A spawn failure rejects with Node's error (`code: 'ENOENT'` when it is
   * not installed). @defaultValue `redis-server` from PATH
   */
  command?: string;
}

/** Spawns one `redis-server` and resolves once it answers PING; rejects if it exits first. */
async function spawnRedis(command: string, args: string[], port: number): Promise<ChildProcess> {
  const proc = spawn(command, args, { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) =>
      reject(new Error(`${command} exited with code ${String(code)} before answering`)),
    );
  });
  // Once the process is gone, the polling below ends too instead of running to its deadline.
  let gone = false;
  failed.catch(() => (gone = true));
  try {
    await Promise.race([
      failed,
      waitFor(async () => gone || (await pingRedis(port)), {
        timeoutMs: 10_000,
        what: `${command} on ${port}`,
      }),
    ]);
    return proc;
  } catch (err) {
    // Never leave a server behind that started but did not answer in time.
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    throw err;
  }
}

/**
 * Starts a private `redis-server` on a free loopback port, for tests that must stop, kill or
 * reconfigure Redis, and for the local stack when no Redis runs. Defaults mirror production:
 * `noeviction`, no RDB snapshots.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'darkroom-redis-')));
  if (!ownDir) await mkdir(dir, { recursive: true });
  const args = [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
    ...['--maxmemory-policy', 'noeviction', ...(options.args ?? [])],
  ];
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    child = await spawnRedis(options.command ?? 'redis-server', args, port);
  };
  const stop = async ({ kill = false } = {}): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(kill ? 'SIGKILL' : 'SIGTERM');
    });
  };
  const removeDir = async (): Promise<void> => {
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };

  try {
    await start();
  } catch (err) {
    await removeDir();
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    close: closeOnce(async () => {
      await stop();
      await removeDir();
    }),
  };
}
