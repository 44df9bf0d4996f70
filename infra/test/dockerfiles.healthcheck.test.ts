import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { freePort, guardAgainstLeaks } from '@darkroom/testing';
import { NEWEST_TESTED_NODE } from './support/node-versions';
import { APP_PACKAGES, APPS, repoRoot, type AppName } from './support/paths';

guardAgainstLeaks();

const dockerfile = (app: AppName): string =>
  readFileSync(path.join(repoRoot, 'apps', app, 'Dockerfile'), 'utf8');

/** The exec-form JSON array after an instruction (`CMD [...]`), joined over line continuations. */
function execForm(text: string, instruction: string): string[] {
  const joined = text.replace(/\\\n/g, ' ');
  const match = new RegExp(`^${instruction}\\s+.*?(\\[.*\\])\\s*$`, 'm').exec(joined);
  if (!match?.[1]) throw new Error(`no exec-form ${instruction}`);
  return JSON.parse(match[1]) as string[];
}

/** The health check's `node -e` script and the ENV the image sets. */
function healthCheck(app: AppName): { script: string; env: Record<string, string> } {
  const text = dockerfile(app);
  const command = execForm(text, 'HEALTHCHECK');
  expect(text.replace(/\\\n/g, ' ')).toMatch(/^HEALTHCHECK .* CMD \[/m);
  expect(command.slice(0, 2)).toEqual(['node', '-e']);
  const env: Record<string, string> = {};
  for (const [, line] of text.matchAll(/^ENV (.+)$/gm)) {
    for (const [, k, v] of (line ?? '').matchAll(/([A-Z_]+)=(\S+)/g)) env[k ?? ''] = v ?? '';
  }
  return { script: command[2] ?? '', env };
}

function runCheck(script: string, env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

async function httpServer(status: (path: string) => number): Promise<Server> {
  const server = createServer((req, res) => {
    res.statusCode = status(req.url ?? '/');
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const close = (server: { close(cb: () => void): unknown }): Promise<void> =>
  new Promise((resolve) => server.close(() => resolve()));

const HTTP_CHECKS: [AppName, string, string][] = [
  ['worker', 'WORKER_PORT', '/healthz'],
  ['producer', 'PRODUCER_PORT', '/healthz'],
  ['emulator', 'EMULATOR_PORT', '/metrics'],
];

describe.each(HTTP_CHECKS)('the %s image health check', (app, portVariable, healthPath) => {
  it(`passes when ${healthPath} answers 200 and fails on 503 or a closed port`, async () => {
    const { script, env } = healthCheck(app);
    expect(env[portVariable]).toMatch(/^\d+$/);
    const healthy = await httpServer((p) => (p === healthPath ? 200 : 404));
    const sick = await httpServer(() => 503);
    try {
      const port = (s: Server): string => String((s.address() as AddressInfo).port);
      expect(await runCheck(script, { [portVariable]: port(healthy) })).toBe(0);
      expect(await runCheck(script, { [portVariable]: port(sick) })).toBe(1);
      expect(await runCheck(script, { [portVariable]: String(await freePort()) })).toBe(1);
    } finally {
      await Promise.all([close(healthy), close(sick)]);
    }
  });
});

describe('the dashboard image health check', () => {
  it('passes when the port accepts a connection and fails when nothing listens', async () => {
    const { script, env } = healthCheck('dashboard');
    expect(env.DASHBOARD_HOST).toBe('0.0.0.0');
    const server = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((server.address() as AddressInfo).port);
      expect(await runCheck(script, { DASHBOARD_PORT: port })).toBe(0);
      expect(await runCheck(script, { DASHBOARD_PORT: String(await freePort()) })).toBe(1);
    } finally {
      await close(server);
    }
  });
});

describe.each(APPS)('apps/%s/Dockerfile', (app) => {
  const text = dockerfile(app);

  it('ships only production dependencies from pnpm deploy, as node under tini', () => {
    const name = (
      JSON.parse(readFileSync(path.join(repoRoot, 'apps', app, 'package.json'), 'utf8')) as {
        name: string;
      }
    ).name;
    expect(name).toBe(APP_PACKAGES[app]);
    expect(text).toMatch(new RegExp(`^ARG NODE_IMAGE=node:${NEWEST_TESTED_NODE}-slim$`, 'm'));
    expect(text.match(/^FROM /gm)).toHaveLength(2);
    expect(text).toContain('npm install --global pnpm@9.15.9');
    expect(text).toContain(`pnpm deploy --offline --filter ${name} --prod /out`);
    expect(text).toMatch(/^USER node$/m);
    expect(execForm(text, 'ENTRYPOINT')).toEqual(['/usr/bin/tini', '--']);
    expect(execForm(text, 'CMD')).toEqual(['node', '--import', 'tsx', 'src/main.ts']);
  });
});

describe('.dockerignore', () => {
  it('keeps installs, history and generated output out of the build context', () => {
    const lines = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const entry of [
      '**/node_modules',
      '.git',
      'test-artifacts',
      'bench/results',
      'coverage',
      '.turbo',
    ]) {
      expect(lines).toContain(entry);
    }
  });
});
