import { DEFAULT_CLIENT, createEmulator, type Emulator } from '@darkroom/emulator';
import {
  freePort,
  guardAgainstLeaks,
  startRedisServer,
  startS3rver,
  type RedisServer,
  type S3rverFixture,
} from '@darkroom/testing';
import { EXIT, type DoctorReport } from '../src';
import { cli } from './support/cli-harness';

guardAgainstLeaks();

describe('darkroom doctor', () => {
  let redis: RedisServer;
  let s3: S3rverFixture;
  let emulator: Emulator;
  let bucket: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    [redis, s3, emulator] = await Promise.all([
      startRedisServer({ args: ['--appendonly', 'yes'] }),
      startS3rver(),
      createEmulator({ timeFactor: 0 }),
    ]);
    bucket = await s3.createBucket();
    env = {
      REDIS_URL: redis.url,
      DARKROOM_STORAGE: JSON.stringify({ s3: { buckets: { [bucket]: s3.config } } }),
      ADOBE_CLIENT_ID: DEFAULT_CLIENT.clientId,
      ADOBE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
      ADOBE_IMS_URL: emulator.url,
      ADOBE_API_URL: emulator.url,
      ADOBE_API_V2_URL: emulator.url,
    };
  });
  afterAll(async () => {
    await Promise.all([redis?.close(), s3?.close(), emulator?.close()]);
  });

  const status = (report: DoctorReport) =>
    Object.fromEntries(report.checks.map((c) => [c.name, c.status]));

  it('passes against a well-configured Redis, s3rver and the emulator', async () => {
    const run = await cli(['doctor', '--json'], env);
    const report = run.json<DoctorReport>();
    expect(status(report)).toEqual({
      redis: 'ok',
      'redis.policy': 'ok',
      'redis.persistence': 'ok',
      'clock.redis': 'ok',
      [`storage:s3://${bucket}/.darkroom-doctor/probe.txt`]: 'ok',
      'adobe:default': 'ok',
      'clock.adobe:default': 'ok',
    });
    expect(report.ok).toBe(true);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).not.toContain(DEFAULT_CLIENT.clientSecret);
    expect(run.stdout).not.toMatch(/X-Amz-/i);

    const human = await cli(['doctor'], env);
    expect(human.code).toBe(EXIT.ok);
    expect(human.stdout).toMatch(/^ok\s+redis\s+reachable at 127\.0\.0\.1:\d+, Redis \d/m);
    expect(human.stdout).toContain('all checks passed');
  });

  it('fails (exit 1) naming each problem: a wrong secret, a missing bucket, an evicting Redis', async () => {
    const lru = await startRedisServer({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    try {
      const run = await cli(
        ['doctor', '--json', '--probe', 's3://no-such-bucket-here/probe.txt', '--timeout', '5000'],
        {
          ...env,
          REDIS_URL: lru.url,
          ADOBE_CLIENT_SECRET: 'not-the-secret',
          DARKROOM_STORAGE: JSON.stringify({
            s3: { default: s3.config, buckets: { [bucket]: s3.config } },
          }),
        },
      );
      expect(run.code).toBe(EXIT.failed);
      const report = run.json<DoctorReport>();
      expect(status(report)).toMatchObject({
        redis: 'ok',
        'redis.policy': 'fail',
        'redis.persistence': 'warn',
        'storage:s3://no-such-bucket-here/probe.txt': 'fail',
        [`storage:s3://${bucket}/.darkroom-doctor/probe.txt`]: 'ok',
        'adobe:default': 'fail',
      });
      const detail = (name: string) => report.checks.find((c) => c.name === name)?.detail;
      expect(detail('redis.policy')).toContain('allkeys-lru');
      expect(detail('adobe:default')).toMatch(/no IMS token/);
      expect(run.stdout).not.toContain('not-the-secret');
    } finally {
      await lru.close();
    }
  });

  it('exits 3 when Redis is unreachable and still checks the rest; 1 with nothing configured', async () => {
    const run = await cli(['doctor', '--json'], {
      ...env,
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    expect(run.code).toBe(EXIT.unreachable);
    const report = run.json<DoctorReport>();
    expect(report.checks[0]).toMatchObject({
      name: 'redis',
      status: 'fail',
      detail: expect.stringContaining('start Redis or set REDIS_URL') as string,
    });
    expect(status(report)['adobe:default']).toBe('ok');

    const bare = await cli(['doctor', '--json'], { REDIS_URL: redis.url });
    expect(bare.code).toBe(EXIT.failed);
    expect(status(bare.json<DoctorReport>())).toMatchObject({ storage: 'fail', adobe: 'fail' });
  });
});
