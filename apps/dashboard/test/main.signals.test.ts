import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { freePort, guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';

guardAgainstLeaks();

describe('main', () => {
  it('serves the board from env, answers 401 without credentials and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), resolve(__dirname, '../src/main.ts')],
      {
        env: {
          PATH: process.env.PATH,
          DASHBOARD_PORT: String(port),
          REDIS_URL: redisUrl(),
          DARKROOM_QUEUES: uniqueName('darkroom-edits'),
          DASHBOARD_USERS: 'viewer:main-test-pass:viewer',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await waitFor(() => stdout.includes('dashboard listening'), {
        timeoutMs: 20_000,
        what: 'the dashboard to log that it listens',
      });
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="Darkroom"');
      const ok = await fetch(`http://127.0.0.1:${port}/api/queues`, {
        headers: {
          authorization: `Basic ${Buffer.from('viewer:main-test-pass').toString('base64')}`,
        },
      });
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();

      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
      const line = stdout.split('\n').find((l) => l.includes('dashboard listening')) ?? '';
      expect(JSON.parse(line)).toMatchObject({ level: 'info', name: 'darkroom-dashboard' });
      expect(stdout).not.toContain('main-test-pass');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
