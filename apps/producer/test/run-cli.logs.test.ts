import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { EditQueue } from '@darkroom/jobs';
import {
  freePort,
  guardAgainstLeaks,
  redisUrl,
  startS3rver,
  uniqueName,
  type S3rverFixture,
} from '@darkroom/testing';
import { EXIT } from '../src';
import { AWS_SDK_NODE_WARNING_SWITCH } from '@darkroom/storage';
import { cli } from './support/cli-harness';
import { dropQueueKeys } from './support/drop-queue-keys';

guardAgainstLeaks();

const root = join(__dirname, '..');

/** Every stderr line, each of which must be a JSON object. */
const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

function runProcess(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['bin/darkroom.cjs', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('darkroom logs and third-party noise', () => {
  let edits: EditQueue;
  let env: Record<string, string>;
  let queueName: string;
  let id: string;
  beforeEach(async () => {
    queueName = uniqueName('cli-logs');
    env = { REDIS_URL: redisUrl(), DARKROOM_QUEUE: queueName };
    edits = new EditQueue({ connection: redisUrl(), queueName });
    ({ id } = await edits.enqueue({
      operation: 'v2.createComposite',
      input: 's3://darkroom-in/a.psd',
      outputs: [{ ref: 's3://darkroom-out/a.jpg', mediaType: 'image/jpeg' }],
    }));
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
    await dropQueueKeys(queueName);
  });

  it('writes no log line unless asked: the output is the command’s own', async () => {
    const run = await cli(['status', id], env);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')[0]).toBe(`id         ${id}`);
  });

  it('--log-json writes JSON lines to stderr at LOG_LEVEL; --verbose adds debug lines', async () => {
    const json = await cli(['status', id, '--log-json'], env);
    expect(json.code).toBe(EXIT.ok);
    // stdout is untouched: the same text as without the flag.
    expect(json.stdout).toBe((await cli(['status', id], env)).stdout);
    const lines = jsonLines(json.stderr);
    expect(lines).toEqual([
      expect.objectContaining({
        name: 'darkroom-cli',
        level: 'info',
        command: 'status',
        exitCode: 0,
        msg: 'command finished',
      }),
    ]);
    expect(
      jsonLines((await cli(['status', id, '--log-json'], { ...env, LOG_LEVEL: 'warn' })).stderr),
    ).toEqual([]);

    const verbose = await cli(['--verbose', 'status', id], env);
    const debug = jsonLines(verbose.stderr);
    expect(debug.map((l) => [l.level, l.msg])).toEqual([
      ['debug', 'configuration'],
      ['info', 'command finished'],
    ]);
    expect(debug[0]).toMatchObject({
      queue: queueName,
      redis: expect.stringMatching(/:\d+$/) as string,
    });
  });

  it('logs never show a Redis password; a failure is logged with its exit code', async () => {
    const port = await freePort();
    const run = await cli(['status', id, '--verbose'], {
      ...env,
      REDIS_URL: `redis://darkroom:s3cret-pass@127.0.0.1:${port}`,
    });
    expect(run.code).toBe(EXIT.unreachable);
    expect(run.stderr).not.toContain('s3cret-pass');
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).at(-1)).toMatchObject({
      msg: 'command finished',
      exitCode: EXIT.unreachable,
    });
    expect(run.stderr).toContain(`darkroom: Redis is unreachable at 127.0.0.1:${port}`);
  });

  describe('the AWS SDK Node version warning', () => {
    let s3: S3rverFixture;
    let storageEnv: Record<string, string>;
    beforeAll(async () => {
      s3 = await startS3rver();
      const bucket = await s3.createBucket();
      storageEnv = {
        DARKROOM_STORAGE: JSON.stringify({ s3: { buckets: { [bucket]: s3.config } } }),
      };
    });
    afterAll(() => s3.close());

    it('stays off the terminal of doctor, which builds S3 clients; the user may still ask for it', async () => {
      const quiet = await runProcess(['doctor'], { ...env, ...storageEnv });
      // No Adobe account is configured: doctor fails that check, and says only that.
      expect(quiet.code).toBe(EXIT.failed);
      expect(quiet.stdout).toMatch(/^ok\s+storage:s3:\/\//m);
      expect(quiet.stderr).toBe('');

      const asked = await runProcess(['doctor'], {
        ...env,
        ...storageEnv,
        [AWS_SDK_NODE_WARNING_SWITCH]: 'false',
      });
      expect(asked.stdout).toMatch(/^ok\s+storage:s3:\/\//m);
      // The SDK warns on Node below 22 only; there, the switch is what silenced it above.
      const major = Number(process.versions.node.split('.')[0]);
      if (major < 22) expect(asked.stderr).toContain('NodeVersionSupportWarning');
      else expect(asked.stderr).toBe('');
    });
  });
});
