import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, guardAgainstLeaks } from '@darkroom/testing';
import { EXIT } from '../src';
import { COMMAND_SUMMARIES, commandHelp, commandNames } from '../src/cli/run-cli';
import { cli } from './support/cli-harness';

guardAgainstLeaks();

const repo = join(__dirname, '..', '..', '..');

/** The commands the CLI has, each listed by `darkroom --help` with one line. */
const EXPECTED = [
  'enqueue',
  'run',
  'status',
  'watch',
  'cancel',
  'retry',
  'doctor',
  'usage',
  'callbacks',
  'jobs',
];

/** The command lines of a help text: two spaces, a name, spaces, its summary. */
function listed(help: string): Map<string, string> {
  const section = help.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  return new Map(
    section.split('\n').map((text) => {
      const [, name = '', summary = ''] = /^ {2}(\S+)\s+(.*)$/.exec(text) ?? [];
      return [name, summary];
    }),
  );
}

function runScript(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(join(repo, 'darkroom'), args, {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.resume();
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout })));
}

describe('darkroom --help', () => {
  const env = { REDIS_URL: 'redis://127.0.0.1:6379' };

  it('lists every command once, each with a one-line summary, and the flags every command takes', async () => {
    const run = await cli(['--help'], env);
    expect(run.code).toBe(EXIT.ok);
    const commands = listed(run.stdout);
    expect([...commands.keys()].sort()).toEqual([...EXPECTED].sort());
    expect(commandNames().sort()).toEqual([...EXPECTED].sort());
    for (const [name, summary] of commands) {
      expect(summary).toBe(COMMAND_SUMMARIES[name]);
      expect(summary.length).toBeGreaterThan(10);
    }
    for (const flag of ['--json', '--verbose', '--log-json', '--help']) {
      expect(run.stdout).toContain(flag);
    }
    // `help` is the same text, and a bare `darkroom` shows it too, as bad usage.
    expect((await cli(['help'], env)).stdout).toBe(run.stdout);
    const bare = await cli([], env);
    expect([bare.code, bare.stdout]).toEqual([EXIT.usage, run.stdout]);
  });

  it("`<command> --help`, `-h` and `help <command>` print that command's flags", async () => {
    for (const name of EXPECTED) {
      const help = commandHelp(name);
      expect(help).toMatch(new RegExp(`^darkroom ${name}`));
      for (const argv of [
        [name, '--help'],
        [name, '-h'],
        ['help', name],
      ]) {
        const run = await cli(argv, env);
        expect([argv, run.code, run.stdout]).toEqual([argv, EXIT.ok, `${help}\n`]);
      }
    }
    const unknown = await cli(['help', 'frobnicate'], env);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain('the commands are: enqueue, run, status');
  });

  it('takes --verbose, --log-json and --json before the command as after it', async () => {
    const down = { REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    for (const argv of [
      ['--verbose', 'status', 'x'],
      ['--log-json', 'cancel', 'x'],
      ['--json', 'status', 'x'],
      ['status', 'x', '--verbose', '--log-json', '--json'],
    ]) {
      expect(await cli(argv, down)).toMatchObject({ code: EXIT.unreachable });
    }
  });

  it('./darkroom --help adds demo and test to the CLI list; ./darkroom <command> --help is the CLI', async () => {
    const help = await runScript(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}\.\/darkroom demo\s+install, start the local stack/m);
    expect(help.stdout).toMatch(/^ {2}\.\/darkroom test\s+install, then lint/m);
    expect([...listed(help.stdout).keys()].sort()).toEqual([...EXPECTED].sort());

    const status = await runScript(['status', '--help']);
    expect([status.code, status.stdout]).toEqual([0, `${commandHelp('status')}\n`]);
    const viaHelp = await runScript(['help', 'watch']);
    expect([viaHelp.code, viaHelp.stdout]).toEqual([0, `${commandHelp('watch')}\n`]);
  });
});
