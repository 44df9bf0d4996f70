import { guardAgainstLeaks, startRedisServer, type RedisServer } from '@darkroom/testing';
import { Redis } from 'ioredis';
import { assertRedisUsable, checkRedis, RedisMisconfiguredError, type RedisFinding } from '../src';

guardAgainstLeaks();

/** `name → severity`, the part of a finding a worker and `darkroom doctor` act on. */
const verdicts = (findings: RedisFinding[]) =>
  Object.fromEntries(findings.map((f) => [f.name, f.severity]));

describe('checkRedis against real redis-server processes', () => {
  const servers: RedisServer[] = [];
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(servers.map((s) => s.close()));
  });

  async function connect(args: string[]): Promise<Redis> {
    const server = await startRedisServer({ args });
    servers.push(server);
    const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
    clients.push(client);
    return client;
  }

  it('finds nothing wrong with noeviction and AOF', async () => {
    const redis = await connect(['--appendonly', 'yes']);
    const findings = await checkRedis(redis);
    expect(verdicts(findings)).toEqual({ 'redis.policy': 'ok', 'redis.persistence': 'ok' });
    expect(() => assertRedisUsable(findings)).not.toThrow();
  });

  it('refuses an evicting Redis, naming its policy, and warns that persistence is off', async () => {
    const redis = await connect(['--maxmemory-policy', 'allkeys-lru']);
    const findings = await checkRedis(redis);
    expect(verdicts(findings)).toEqual({
      'redis.policy': 'error',
      'redis.persistence': 'warn',
    });
    expect(findings.find((f) => f.name === 'redis.policy')?.message).toContain("'allkeys-lru'");
    expect(findings.find((f) => f.name === 'redis.persistence')?.message).toMatch(/no AOF, no RDB/);
    expect(() => assertRedisUsable(findings)).toThrow(RedisMisconfiguredError);
    expect(() => assertRedisUsable(findings)).toThrow(/allkeys-lru/);
  });

  it('only warns about an evicting Redis when noeviction is not required', async () => {
    const redis = await connect(['--maxmemory-policy', 'volatile-lru', '--save', '3600 1']);
    const findings = await checkRedis(redis, { requireNoeviction: false });
    expect(verdicts(findings)).toEqual({ 'redis.policy': 'warn', 'redis.persistence': 'warn' });
    // RDB snapshots without AOF: a crash loses what came after the last snapshot.
    expect(findings.find((f) => f.name === 'redis.persistence')?.message).toMatch(/AOF is off/);
    expect(() => assertRedisUsable(findings)).not.toThrow();
  });
});
