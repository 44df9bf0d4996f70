import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { EditQueue } from '@darkroom/jobs';
import { freePort, guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { rendition } from './support/api-harness';

guardAgainstLeaks();

const root = join(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; exited: Promise<Exited>; output: () => string } {
  const child = spawn(command, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exited>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited, output: () => stdout };
}

describe('producer main', () => {
  it('serves until SIGTERM, then closes the server and the queue and exits 0', async () => {
    const port = await freePort();
    const queueName = uniqueName('main');
    const proc = run(tsx, ['src/main.ts'], {
      PRODUCER_PORT: String(port),
      PRODUCER_METRICS_PORT: '0',
      PRODUCER_HOST: '127.0.0.1',
      PRODUCER_TOKENS: 'tok-a, tok-b',
      REDIS_URL: redisUrl(),
      DARKROOM_QUEUE: queueName,
      DARKROOM_LEGACY_API: 'allow',
    });
    const edits = new EditQueue({ connection: redisUrl(), queueName });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${base}/healthz`)).ok, {
        timeoutMs: 30_000,
        what: 'the producer to listen',
      });
      const res = await fetch(`${base}/v1/edits`, {
        method: 'POST',
        headers: { authorization: 'Bearer tok-b', 'content-type': 'application/json' },
        body: JSON.stringify(rendition()),
      });
      expect(res.status).toBe(201);
      proc.child.kill('SIGTERM');
      const { code, stdout } = await proc.exited;
      expect(code).toBe(0);
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l.path === '/v1/edits')).toMatchObject({
        status: 201,
        requestId: expect.any(String) as string,
      });
      expect(stdout).not.toContain('tok-b');
      expect((await edits.counts()).waiting).toBe(1);
      // Allowing retired APIs is said once, at start-up, with their end of life.
      const legacy = lines.filter((l) => String(l.msg).startsWith('DARKROOM_LEGACY_API=allow'));
      expect(legacy).toHaveLength(1);
      expect(String(legacy[0]?.msg)).toContain('/pie/psdService ended 2026-07-31');
    } finally {
      proc.child.kill('SIGKILL');
      await edits.queue.obliterate({ force: true });
      await edits.close();
    }
  });

  it('exits 2 naming the variable when PRODUCER_TOKENS is missing', async () => {
    const { code, stderr } = await run(tsx, ['src/main.ts'], { PRODUCER_PORT: '0' }).exited;
    expect(code).toBe(2);
    expect(stderr).toContain('PRODUCER_TOKENS');
  });
});

describe('bin/darkroom.cjs', () => {
  it('runs the CLI through tsx and exits with its code', async () => {
    const help = await run(process.execPath, ['bin/darkroom.cjs', '--help'], {}).exited;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: darkroom <command>');
    const down = await run(process.execPath, ['bin/darkroom.cjs', 'status', 'x'], {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    }).exited;
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('start Redis or set REDIS_URL');
  });
});
