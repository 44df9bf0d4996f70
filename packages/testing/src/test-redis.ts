import { launchRedis, NoRedisError, type LaunchedRedis } from './redis-launcher';

/**
 * Jest loads the global setup and teardown modules separately; the Redis started by one is
 * handed to the other through the one object they share.
 */
const HANDLE = Symbol.for('darkroom.testRedis');
interface Handle {
  redis: LaunchedRedis;
  env: NodeJS.ProcessEnv;
  exported: boolean;
}
const shared = globalThis as typeof globalThis & { [HANDLE]?: Handle };

export interface TestRedisOptions {
  /** The environment read and, when a server is started, given REDIS_URL. @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
  /** Where a Redis of the machine may answer. @defaultValue 6379 */
  defaultPort?: number;
  /** Where the one line about a started or missing Redis goes. @defaultValue stderr */
  log?: (line: string) => void;
}

/**
 * Gives a test run its Redis: REDIS_URL as it is, else the Redis on 127.0.0.1:6379, else a
 * private `redis-server` on a free port whose URL goes into `env.REDIS_URL`, so every test
 * process Jest starts afterwards inherits it. Without any Redis it logs how to get one and
 * returns undefined: suites that need no Redis still run.
 */
export async function provideTestRedis(
  options: TestRedisOptions = {},
): Promise<LaunchedRedis | undefined> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let redis: LaunchedRedis;
  try {
    redis = await launchRedis({ env, defaultPort: options.defaultPort });
  } catch (err) {
    if (!(err instanceof NoRedisError)) throw err;
    log(`darkroom: ${err.message} Tests that use Redis will fail.`);
    return undefined;
  }
  const exported = redis.origin === 'started here';
  if (exported) {
    env.REDIS_URL = redis.url;
    log(`darkroom: started redis-server at ${redis.url} for the tests`);
  }
  shared[HANDLE] = { redis, env, exported };
  return redis;
}

/** Stops the Redis {@link provideTestRedis} started, and takes back the REDIS_URL it set. */
export async function releaseTestRedis(): Promise<void> {
  const handle = shared[HANDLE];
  delete shared[HANDLE];
  if (!handle) return;
  if (handle.exported) delete handle.env.REDIS_URL;
  await handle.redis.close();
}
