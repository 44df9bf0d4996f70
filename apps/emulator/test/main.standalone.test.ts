import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { guardAgainstLeaks } from '@darkroom/testing';

guardAgainstLeaks();

describe('src/main.ts', () => {
  it('starts from flags and environment, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(__dirname, '../src/main.ts'),
        '--port',
        '0',
        '--time-factor',
        '0.01',
      ],
      {
        cwd: join(__dirname, '..'),
        env: { ...process.env, EMULATOR_CLIENTS: 'cli-app:cli-secret' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /on (http:\/\/\S+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) =>
          reject(new Error(`exited early with ${String(code)}: ${out}`)),
        );
      });
      expect(out).toContain('timeFactor 0.01');
      const token = await fetch(`${url}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=cli-app&client_secret=cli-secret',
      });
      expect(token.status).toBe(200);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
