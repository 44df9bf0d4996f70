import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { EditQueue } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { EXIT, runCli } from '../src';
import { dropQueueKeys } from './support/drop-queue-keys';

guardAgainstLeaks();

const root = join(__dirname, '..');

/** A stdout whose reader leaves after `lines` lines: later writes fail with EPIPE, as a pipe's do. */
function closingAfter(lines: number): Writable & { text: string } {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if ((stream.text.match(/\n/g) ?? []).length >= lines) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        return;
      }
      stream.text += chunk.toString();
      cb();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

function collector(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      stream.text += chunk.toString();
      cb();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

describe('darkroom output into a pipe that closes', () => {
  let edits: EditQueue;
  let queueName: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    queueName = uniqueName('cli-pipe');
    env = { REDIS_URL: redisUrl(), DARKROOM_QUEUE: queueName };
    edits = new EditQueue({ connection: redisUrl(), queueName });
    await edits.enqueue({
      operation: 'v2.createComposite',
      input: 's3://darkroom-in/a.psd',
      outputs: [{ ref: 's3://darkroom-out/a.jpg', mediaType: 'image/jpeg' }],
      account: 'acme',
    });
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
    await dropQueueKeys(queueName);
  });

  it('`darkroom watch | head -3` ends watch quietly with exit 0, no stack trace', async () => {
    const script = `node bin/darkroom.cjs watch --interval 100 | head -3; echo "darkroom exited \${PIPESTATUS[0]}" >&2`;
    const child = spawn('bash', ['-c', script], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    expect(stdout.match(/\n/g)).toHaveLength(3);
    expect(stdout).toMatch(/^queue cli-pipe/);
    // watch would print forever: it ended because its reader left, and said nothing about it.
    expect(stderr).toBe('darkroom exited 0\n');
  });

  it('a command whose reader leaves mid-output exits 0 and writes nothing to stderr', async () => {
    const [id] = await edits.queue.getRanges(['waiting'], 0, 0);
    const stdout = closingAfter(2);
    const stderr = collector();
    const code = await runCli(['status', id ?? ''], { stdout, stderr, env });
    expect(code).toBe(EXIT.ok);
    expect(stdout.text.split('\n')).toEqual([`id         ${id}`, 'state      waiting', '']);
    expect(stderr.text).toBe('');
  });

  it('watch stops refreshing as soon as its reader is gone', async () => {
    const stdout = closingAfter(1);
    const stderr = collector();
    // No Ctrl-C: only the reader leaving can end it.
    const code = await runCli(['watch', '--interval', '100', '--json'], { stdout, stderr, env });
    expect(code).toBe(EXIT.ok);
    expect(JSON.parse(stdout.text)).toMatchObject({ counts: { waiting: 1 } });
    expect(stderr.text).toBe('');
  });
});
