import { execFile } from 'node:child_process';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './support/paths';

// `./darkroom test` and `./darkroom demo` set the machine up: they install the Debian packages
// they need as root or through passwordless sudo, and otherwise stop before doing anything else,
// with one line that names what is missing and the command to install it. These tests run the
// real script in a folder of its own, with a PATH that holds only the commands given to it.

const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;

/** What bash, the script's own steps and its Node check need; nothing the suites need. */
const BASE_COMMANDS = ['bash', 'id', 'dirname', 'env'];

/**
 * This Node, copied where the unprivileged user can run it: the running Node may sit in a folder
 * only root can enter (a home folder, CI's private temporary folder), which a link would not get
 * around.
 */
let nodeDir: string;
beforeAll(async () => {
  nodeDir = await mkdtemp(path.join(tmpdir(), 'darkroom-script-node-'));
  await chmod(nodeDir, 0o755);
  await copyFile(process.execPath, path.join(nodeDir, 'node'));
  await chmod(path.join(nodeDir, 'node'), 0o755);
});
afterAll(async () => {
  await rm(nodeDir, { recursive: true, force: true });
});

interface Outcome {
  code: number;
  stdout: string;
  stderrLines: string[];
  /** What the folder holds afterwards, besides the script and the PATH folder. */
  leftBehind: string[];
}

async function which(command: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', `command -v ${command}`]);
  return stdout.trim();
}

/**
 * Runs `darkroom <args>` from a copy in a new folder, as an unprivileged user without sudo (when
 * the test runs as root; otherwise as the current user), with PATH holding only `commands`.
 * `wrap` goes in front of everything (for example a new network namespace).
 */
async function darkroom(
  args: string[],
  commands: string[],
  { wrap = [], engines }: { wrap?: string[]; engines?: string } = {},
): Promise<Outcome> {
  const dir = await mkdtemp(path.join(tmpdir(), 'darkroom-script-'));
  try {
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    await symlink(path.join(nodeDir, 'node'), path.join(bin, 'node'));
    for (const command of [...BASE_COMMANDS, ...commands]) {
      await symlink(await which(command), path.join(bin, command));
    }
    await copyFile(path.join(repoRoot, 'darkroom'), path.join(dir, 'darkroom'));
    const manifest = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    if (engines) manifest.engines.node = engines;
    await writeFile(path.join(dir, 'package.json'), JSON.stringify(manifest));
    await chmod(dir, 0o777);
    await chmod(path.join(dir, 'darkroom'), 0o755);
    const unprivileged = asRoot
      ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
      : [];
    const argv = [
      ...wrap,
      ...unprivileged,
      'env',
      '-i',
      `PATH=${bin}`,
      `HOME=${dir}`,
      'bash',
      path.join(dir, 'darkroom'),
      ...args,
    ];
    const outcome = await run(argv[0]!, argv.slice(1), { timeout: 30_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({
        code: err.code ?? -1,
        stdout: err.stdout ?? '',
        stderr: err.stderr ?? '',
      }),
    );
    const leftBehind = (await readdir(dir)).filter(
      (f) => !['bin', 'darkroom', 'package.json'].includes(f),
    );
    return {
      code: outcome.code,
      stdout: outcome.stdout,
      stderrLines: outcome.stderr.split('\n').filter(Boolean),
      leftBehind,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('./darkroom on a machine it may not set up', () => {
  it('test: names every missing tool and the one command that installs them, and runs nothing', async () => {
    const outcome = await darkroom(['test'], ['apt-get']);
    expect({ code: outcome.code, stdout: outcome.stdout, leftBehind: outcome.leftBehind }).toEqual({
      code: 1,
      stdout: '',
      leftBehind: [],
    });
    expect(outcome.stderrLines).toHaveLength(1);
    const line = outcome.stderrLines[0]!;
    expect(line).toMatch(
      /^darkroom: the test suite needs redis-server redis-cli promtool chromium docker-compose openssl /,
    );
    expect(line).toContain(
      asRoot
        ? '; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server redis-tools prometheus chromium docker-compose openssl'
        : 'redis-server redis-tools prometheus chromium docker-compose openssl',
    );
  });

  it('installs only what the README says it may install', async () => {
    const outcome = await darkroom(['test'], []);
    const packages = /\(Debian packages: ([^)]*)\)/.exec(outcome.stderrLines[0] ?? '')?.[1];
    const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
    const quickStart = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('## Using it'),
    );
    expect(packages?.split(' ').filter((p) => !quickStart.includes(`\`${p}\``))).toEqual([]);
  });

  it('test: asks only for what is missing', async () => {
    const outcome = await darkroom(['test'], ['apt-get', 'redis-server', 'redis-cli', 'openssl']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderrLines).toHaveLength(1);
    expect(outcome.stderrLines[0]).toMatch(
      /^darkroom: the test suite needs promtool chromium docker-compose \(Debian packages: prometheus chromium docker-compose\);/,
    );
  });

  it('demo: with no Redis to reach and no redis-server, says how to get one, and runs nothing', async () => {
    // A network namespace of its own: nothing answers on 127.0.0.1:6379 there.
    const wrap = asRoot ? ['unshare', '--net'] : ['unshare', '--net', '--map-root-user'];
    const outcome = await darkroom(['demo'], [], { wrap });
    expect({ code: outcome.code, stdout: outcome.stdout, leftBehind: outcome.leftBehind }).toEqual({
      code: 1,
      stdout: '',
      leftBehind: [],
    });
    expect(outcome.stderrLines).toHaveLength(1);
    expect(outcome.stderrLines[0]).toMatch(
      /^darkroom: the demo \(no REDIS_URL set and no Redis on 127\.0\.0\.1:6379\) needs redis-server \(Debian packages: redis-server\); /,
    );
  });

  it('stops with one line on a Node older than every version package.json names', async () => {
    const outcome = await darkroom(['test'], [], { engines: '^98.1.0 || ^99.0.0' });
    expect({ code: outcome.code, stdout: outcome.stdout, lines: outcome.stderrLines }).toEqual({
      code: 1,
      stdout: '',
      lines: [
        `darkroom: Node ${process.version} is too old: Darkroom runs on Node 98.1+ and 99.0+`,
      ],
    });
  });

  it('warns on a Node newer than the tested ones and goes on', async () => {
    const [major] = process.versions.node.split('.');
    const outcome = await darkroom(['demo'], [], {
      wrap: asRoot ? ['unshare', '--net'] : ['unshare', '--net', '--map-root-user'],
      engines: `^${Number(major) - 1}.0.0`,
    });
    expect(outcome.stderrLines[0]).toBe(
      `darkroom: Node ${process.version} is not one Darkroom is tested on (${Number(major) - 1}.0+); going on`,
    );
    // It went on to the next check.
    expect(outcome.stderrLines[1]).toMatch(/^darkroom: the demo .* needs redis-server/);
  });
});
