import { startRedisServer, type RedisServer } from './redis';
import { pingRedis } from './redis-ping';

/** Where a launched Redis came from, as the local stack reports it at start. */
export type RedisOrigin = 'REDIS_URL' | `local ${number}` | 'started here';

/** A Redis to use: found through REDIS_URL or on loopback, or started for this run. */
export interface LaunchedRedis {
  url: string;
  origin: RedisOrigin;
  /** The `redis-server` started for this run (to stop or restart it); absent for a found one. */
  server?: RedisServer;
  /** Stops a server started for this run; a Redis that was found is left running. Idempotent. */
  close(): Promise<void>;
}

export interface LaunchRedisOptions {
  /** Where REDIS_URL is read. @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
  /** The loopback port where a Redis of the machine may already answer. @defaultValue 6379 */
  defaultPort?: number;
  /**
   * Data folder of a started server, kept after it stops so the next run finds its data.
   * @defaultValue a temporary folder removed on close
   */
  dataDir?: string;
  /** Extra `redis-server` arguments for a started server, e.g. AOF settings. */
  args?: string[];
  /** The executable to start. @defaultValue `redis-server` from PATH */
  command?: string;
}

/** Thrown when no Redis can be found or started; the message says how to get one. */
export class NoRedisError extends Error {
  constructor(port = 6379) {
    super(
      `Darkroom needs Redis 7+ and none was found: nothing answers on 127.0.0.1:${port} and \`redis-server\` is not installed. ` +
        'Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
    );
    this.name = this.constructor.name;
  }
}

function found(url: string, origin: RedisOrigin): LaunchedRedis {
  return { url, origin, close: () => Promise.resolve() };
}

/**
 * The one way Darkroom finds a Redis on a developer's machine: REDIS_URL when it is set; else a
 * Redis answering PING on 127.0.0.1 at the default port; else a `redis-server` started on a free
 * port (noeviction, no snapshots, plus `args`). Throws {@link NoRedisError} when none answers
 * and `redis-server` is not installed; any other start failure is thrown as it is.
 */
export async function launchRedis(options: LaunchRedisOptions = {}): Promise<LaunchedRedis> {
  const env = options.env ?? process.env;
  if (env.REDIS_URL) return found(env.REDIS_URL, 'REDIS_URL');
  const port = options.defaultPort ?? 6379;
  if (await pingRedis(port)) return found(`redis://127.0.0.1:${port}`, `local ${port}`);
  let server: RedisServer;
  try {
    server = await startRedisServer({
      dir: options.dataDir,
      args: options.args,
      command: options.command,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NoRedisError(port);
    throw err;
  }
  return { url: server.url, origin: 'started here', server, close: () => server.close() };
}
