import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  guardAgainstLeaks,
  startRedisServer,
  uniqueName,
  waitFor,
  type RedisServer,
} from '@darkroom/testing';

guardAgainstLeaks();

const repo = join(__dirname, '..', '..', '..');
const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
const demoMain = join(__dirname, '..', 'src', 'main.ts');

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(command: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(command, args, {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function run(command: string, args: string[], env: Record<string, string>) {
  const proc = start(command, args, env);
  const code = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** What a shell has after running `lines`: the variables they export, read back with `env -0`. */
async function evaluate(lines: string[]): Promise<Record<string, string>> {
  const shell = await run('bash', ['-c', `${lines.join('\n')}\nenv -0`], {});
  expect(shell.code).toBe(0);
  const names = lines.map((l) => /^export ([A-Z0-9_]+)=/.exec(l)?.[1] ?? '').filter(Boolean);
  const all = new Map(
    shell.stdout
      .split('\0')
      .filter(Boolean)
      .map((pair): [string, string] => [
        pair.slice(0, pair.indexOf('=')),
        pair.slice(pair.indexOf('=') + 1),
      ]),
  );
  return Object.fromEntries(names.map((name): [string, string] => [name, all.get(name) ?? '']));
}

/** Lines of the demo's own output that look like a library's JSON log line. */
const jsonLike = (text: string) => text.split('\n').filter((l) => l.trimStart().startsWith('{'));

describe('./darkroom demo --keep', () => {
  let redis: RedisServer;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedisServer({ args: ['--appendonly', 'yes'] });
    dir = await mkdtemp(join(tmpdir(), 'darkroom-demo-keep-'));
  });
  afterAll(async () => {
    await redis.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints an environment that doctor, the CLI and curl use against the kept stack, and only its own lines', async () => {
    const demo = start(
      tsx,
      [demoMain, '--keep', '--out', join(dir, 'out'), '--data', join(dir, 'data')],
      { REDIS_URL: redis.url, DARKROOM_QUEUE: uniqueName('demo-keep') },
    );
    let demoExit: number | null | undefined;
    void demo.exited.then((code) => (demoExit = code));
    try {
      await waitFor(
        () => {
          if (demoExit !== undefined)
            throw new Error(`the demo exited ${demoExit}: ${demo.stderr()}`);
          return demo.stdout().includes('then, for example:');
        },
        { timeoutMs: 180_000, intervalMs: 200, what: 'the demo to print its environment' },
      );
      const stdout = demo.stdout();
      expect(stdout).toContain('6 of 6 edits succeeded');
      const block = stdout.split('\n').filter((l) => l.startsWith('export '));
      const env = await evaluate(block);
      expect(Object.keys(env)).toEqual([
        'REDIS_URL',
        'DARKROOM_PREFIX',
        'DARKROOM_QUEUE',
        'DARKROOM_STORAGE',
        'DARKROOM_DOCTOR_PROBES',
        'ADOBE_CLIENT_ID',
        'ADOBE_CLIENT_SECRET',
        'ADOBE_IMS_URL',
        'ADOBE_API_URL',
        'ADOBE_API_V2_URL',
        'DARKROOM_SCRATCH',
        'DARKROOM_RECIPES',
        'DARKROOM_PRODUCER_URL',
        'DARKROOM_PRODUCER_TOKEN',
      ]);
      expect(env.REDIS_URL).toBe(redis.url);
      // The demo's README shows the same block.
      const readme = await readFile(join(__dirname, '..', 'README.md'), 'utf8');
      const documented = [...readme.matchAll(/^export ([A-Z0-9_]+)=/gm)].map((m) => m[1]);
      expect(documented).toEqual(Object.keys(env));

      // doctor, with nothing but the pasted environment: every check passes.
      const doctor = await run(
        process.execPath,
        ['apps/producer/bin/darkroom.cjs', 'doctor', '--json'],
        env,
      );
      const report = JSON.parse(doctor.stdout) as {
        ok: boolean;
        checks: { name: string; status: string }[];
      };
      expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
      expect(report.checks.map((c) => c.name)).toEqual(
        expect.arrayContaining(['redis', 'adobe:default', `storage:${env.DARKROOM_DOCTOR_PROBES}`]),
      );
      expect(doctor.code).toBe(0);
      expect(doctor.stderr).toBe('');

      // The printed enqueue example, as a user pastes it after the block: the stack runs it.
      const example = stdout.split('\n').find((l) => l.trim().startsWith('./darkroom enqueue'));
      const enqueued = await run(
        'bash',
        ['-c', `${block.join('\n')}\n${example?.trim()} --json`],
        {},
      );
      expect(enqueued.code).toBe(0);
      const { id } = JSON.parse(enqueued.stdout) as { id: string };
      const status = await run(
        process.execPath,
        ['apps/producer/bin/darkroom.cjs', 'status', id, '--wait', '60', '--json'],
        env,
      );
      expect(JSON.parse(status.stdout)).toMatchObject({ state: 'completed' });

      // The printed recipe run: a named example recipe, through the producer, to its end.
      const runLine = stdout.split('\n').find((l) => l.trim().startsWith('./darkroom run '));
      const ran = await run('bash', ['-c', `${block.join('\n')}\n${runLine?.trim()} --json`], {});
      expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(ran.stdout)).toMatchObject({
        recipe: 'product-cutout',
        state: 'completed',
      });

      // The producer, with the printed URL and token.
      const headers = {
        authorization: `Bearer ${env.DARKROOM_PRODUCER_TOKEN}`,
        'content-type': 'application/json',
      };
      const input = JSON.parse(stdout.split("-d '")[1]?.split("'")[0] ?? '{}') as unknown;
      const created = await fetch(`${env.DARKROOM_PRODUCER_URL}/v1/edits`, {
        method: 'POST',
        headers,
        body: JSON.stringify(input),
      });
      expect(created.status).toBe(201);
      const { id: apiId } = (await created.json()) as { id: string };
      const done = await fetch(`${env.DARKROOM_PRODUCER_URL}/v1/edits/${apiId}?wait=60`, {
        headers,
      });
      expect(await done.json()).toMatchObject({ state: 'completed' });

      // Only the demo's own lines: no log line, no third-party warning.
      expect(jsonLike(demo.stdout())).toEqual([]);
      expect(demo.stderr()).toBe('');

      demo.child.kill('SIGINT');
      expect(await demo.exited).toBe(0);
      // Ctrl-C stopped the producer too.
      await expect(fetch(`${env.DARKROOM_PRODUCER_URL}/healthz`)).rejects.toThrow();
    } finally {
      if (demoExit === undefined) {
        demo.child.kill('SIGINT');
        await demo.exited;
      }
    }
  }, 300_000);

  it('--log-json sends the stack’s JSON log lines to stderr, never to stdout', async () => {
    const demo = await run(
      tsx,
      [demoMain, '--log-json', '--out', join(dir, 'out-logs'), '--data', join(dir, 'data')],
      { REDIS_URL: redis.url, DARKROOM_QUEUE: uniqueName('demo-logs') },
    );
    expect(demo.code).toBe(0);
    expect(jsonLike(demo.stdout)).toEqual([]);
    const lines = demo.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { name?: string; msg?: string });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'darkroom-worker', msg: 'worker started' }),
      ]),
    );
  }, 300_000);
});
