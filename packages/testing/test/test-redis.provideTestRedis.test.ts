import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, guardAgainstLeaks, pingRedis, provideTestRedis, releaseTestRedis } from '../src';

guardAgainstLeaks();

const run = promisify(execFile);
const SRC = join(__dirname, '../src');

describe('provideTestRedis', () => {
  afterEach(async () => {
    await releaseTestRedis();
  });

  it('starts a redis-server when nothing answers, puts its URL in REDIS_URL, and takes both back', async () => {
    const env: NodeJS.ProcessEnv = {};
    const lines: string[] = [];
    const redis = await provideTestRedis({
      env,
      defaultPort: await freePort(),
      log: (line) => lines.push(line),
    });
    expect(redis?.origin).toBe('started here');
    expect(env.REDIS_URL).toBe(redis?.url);
    expect(lines).toEqual([`darkroom: started redis-server at ${redis?.url} for the tests`]);
    expect(await pingRedis(redis!.server!.port)).toBe(true);

    await releaseTestRedis();
    expect(env.REDIS_URL).toBeUndefined();
    expect(await pingRedis(redis!.server!.port)).toBe(false);
  });

  it('leaves a REDIS_URL that is set alone', async () => {
    const env: NodeJS.ProcessEnv = { REDIS_URL: 'redis://redis.example:6380' };
    const redis = await provideTestRedis({ env, defaultPort: await freePort(), log: () => {} });
    expect([redis?.origin, redis?.server]).toEqual(['REDIS_URL', undefined]);
    await releaseTestRedis();
    expect(env.REDIS_URL).toBe('redis://redis.example:6380');
  });
});

// Jest's own contract, checked rather than assumed: what a globalSetup puts in process.env is
// what every test file sees, in worker processes and when Jest runs files in its own process.
describe('a REDIS_URL set by a Jest globalSetup', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'darkroom-global-setup-'));
    const silentPort = await freePort();
    await writeFile(
      join(dir, 'setup.ts'),
      `import { provideTestRedis } from ${JSON.stringify(join(SRC, 'test-redis'))};
       import { writeFileSync } from 'node:fs';
       export default async () => {
         const redis = await provideTestRedis({ defaultPort: ${silentPort}, log: () => {} });
         writeFileSync(${JSON.stringify(join(dir, 'setup.json'))}, JSON.stringify({ url: redis?.url, pid: process.pid }));
       };`,
    );
    await writeFile(
      join(dir, 'teardown.ts'),
      `export { releaseTestRedis as default } from ${JSON.stringify(join(SRC, 'test-redis'))};`,
    );
    for (const name of ['first', 'second']) {
      await writeFile(
        join(dir, `${name}.probe.ts`),
        `import { writeFileSync } from 'node:fs';
         it('records what it sees', () => {
           writeFileSync(${JSON.stringify(join(dir, `${name}.json`))}, JSON.stringify({ url: process.env.REDIS_URL, pid: process.pid }));
         });`,
      );
    }
    const transform = { tsconfig: join(__dirname, '../tsconfig.json'), transpilation: true };
    await writeFile(
      join(dir, 'jest.config.json'),
      JSON.stringify({
        rootDir: dir,
        testEnvironment: 'node',
        testMatch: ['<rootDir>/*.probe.ts'],
        transform: {
          '^.+\\.ts$': [require.resolve('ts-jest'), { ...transform, diagnostics: false }],
        },
        globalSetup: join(dir, 'setup.ts'),
        globalTeardown: join(dir, 'teardown.ts'),
        cacheDirectory: join(dir, 'cache'),
      }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const jest = async (...args: string[]) => {
    await run(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--config', join(dir, 'jest.config.json'), ...args],
      { cwd: dir, timeout: 90_000, env: { ...process.env, REDIS_URL: '' } },
    );
    const read = async (name: string) =>
      JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as {
        url?: string;
        pid: number;
      };
    return { setup: await read('setup'), first: await read('first'), second: await read('second') };
  };

  it('reaches test files in worker processes', async () => {
    const seen = await jest('--maxWorkers=2');
    const port = Number(/^redis:\/\/127\.0\.0\.1:(\d+)$/.exec(seen.setup.url ?? '')?.[1]);
    expect(port).toBeGreaterThan(0);
    expect([seen.first.url, seen.second.url]).toEqual([seen.setup.url, seen.setup.url]);
    expect([seen.first.pid, seen.second.pid]).not.toContain(seen.setup.pid);
    // The teardown stopped the server the setup started.
    expect(await pingRedis(port)).toBe(false);
  }, 120_000);

  it('reaches test files Jest runs in its own process', async () => {
    const seen = await jest('--runInBand');
    expect([seen.first.url, seen.second.url]).toEqual([seen.setup.url, seen.setup.url]);
    expect([seen.first.pid, seen.second.pid]).toEqual([seen.setup.pid, seen.setup.pid]);
  }, 120_000);
});
