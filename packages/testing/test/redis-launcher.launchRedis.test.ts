import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  guardAgainstLeaks,
  launchRedis,
  NoRedisError,
  pingRedis,
  startRedisServer,
} from '../src';

guardAgainstLeaks();

describe('launchRedis', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'darkroom-launch-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses REDIS_URL as it is, starting nothing', async () => {
    const redis = await launchRedis({ env: { REDIS_URL: 'redis://redis.example:6380' } });
    expect([redis.url, redis.origin, redis.server]).toEqual([
      'redis://redis.example:6380',
      'REDIS_URL',
      undefined,
    ]);
    await redis.close();
  });

  it('uses a Redis that answers on the default port and leaves it running on close', async () => {
    const machine = await startRedisServer();
    try {
      const redis = await launchRedis({ env: {}, defaultPort: machine.port });
      expect([redis.url, redis.origin, redis.server]).toEqual([
        `redis://127.0.0.1:${machine.port}`,
        `local ${machine.port}`,
        undefined,
      ]);
      await redis.close();
      expect(await pingRedis(machine.port)).toBe(true);
    } finally {
      await machine.close();
    }
  });

  it('starts a redis-server when nothing answers on the default port, and stops it on close', async () => {
    const silent = await freePort();
    const dataDir = join(dir, 'data');
    const redis = await launchRedis({
      env: {},
      defaultPort: silent,
      dataDir,
      args: ['--appendonly', 'yes'],
    });
    try {
      expect(redis.origin).toBe('started here');
      expect(redis.server?.port).not.toBe(silent);
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.server?.port}`);
      expect(await pingRedis(redis.server!.port)).toBe(true);
    } finally {
      await redis.close();
    }
    expect(await pingRedis(redis.server!.port)).toBe(false);
    // The data folder the caller chose outlives the server: the next run finds its data there.
    expect(await readdir(dataDir)).toContain('appendonlydir');
  });

  it('says how to get Redis when none answers and redis-server is not installed', async () => {
    const silent = await freePort();
    const launching = launchRedis({
      env: {},
      defaultPort: silent,
      command: join(dir, 'no-such-redis-server'),
    });
    await expect(launching).rejects.toBeInstanceOf(NoRedisError);
    await expect(launching).rejects.toThrow(
      `nothing answers on 127.0.0.1:${silent} and \`redis-server\` is not installed. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.`,
    );
  });
});
