import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { dashboardConfigFromEnv } from '@darkroom/dashboard';
import { parseEmulatorArgs } from '@darkroom/emulator';
import { parseCliConfig, parseProducerConfig } from '@darkroom/producer';
import { parseWorkerConfig } from '@darkroom/worker';
import { repoRoot } from './support/paths';

const run = promisify(execFile);

/** The operator docs whose commands and variables users copy. */
const DOCS = [
  'README.md',
  'RELIABILITY.md',
  'DEPLOYMENT.md',
  ...readdirSync(path.join(repoRoot, 'apps'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join('apps', entry.name, 'README.md'))
    .filter((file) => existsSync(path.join(repoRoot, file))),
];

const readDoc = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

// ---- What the CLI declares ----------------------------------------------------------------

/** One arm of the `./darkroom` script's `case`: the words it matches and what it execs. */
interface WrapperArm {
  names: string[];
  /** The command the arm runs with the user's arguments (`exec … "$@"`), if it execs one. */
  exec?: string[];
}

/**
 * The top-level arms of the root `darkroom` script's `case` (two-space indented `name)` lines,
 * each up to the next), read from the script itself.
 */
function wrapperArms(): WrapperArm[] {
  const script = readFileSync(path.join(repoRoot, 'darkroom'), 'utf8');
  const start = /^case\s.*\sin\s*$/m.exec(script)?.index;
  if (start === undefined) throw new Error('the darkroom script has no top-level case');
  const arms: { names: string[]; body: string[] }[] = [];
  for (const line of script.slice(start).split('\n').slice(1)) {
    if (line === 'esac') break;
    const arm = /^ {2}([^\s()#][^()]*)\)\s*$/.exec(line);
    if (arm) arms.push({ names: (arm[1] ?? '').split('|').map((n) => n.trim()), body: [] });
    else arms.at(-1)?.body.push(line);
  }
  return arms.map(({ names, body }) => {
    const exec = /^\s*exec\s+(.+?)\s+"\$@"\s*$/m.exec(body.join('\n'))?.[1];
    return { names, ...(exec ? { exec: exec.split(/\s+/) } : {}) };
  });
}

/**
 * Runs a declared command with arguments from the repository root: its stdout, and whether it
 * exited 0. A run that does not end in time is an error, not an unknown command.
 */
async function output(command: string[], args: string[]): Promise<{ text: string; ok: boolean }> {
  const [file = '', ...rest] = command;
  try {
    const { stdout } = await run(file, [...rest, ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 120_000,
    });
    return { text: stdout, ok: true };
  } catch (err) {
    const failed = err as { stdout?: string; killed?: boolean; code?: unknown };
    if (failed.killed || typeof failed.code !== 'number') {
      throw new Error(`${[...command, ...args].join(' ')} did not run to its end`, { cause: err });
    }
    return { text: failed.stdout ?? '', ok: false };
  }
}

/** Runs `tasks` at most `width` at a time: each help is a Node process on a shared machine. */
async function inBatches(tasks: (() => Promise<void>)[], width: number): Promise<void> {
  for (let i = 0; i < tasks.length; i += width) {
    await Promise.all(tasks.slice(i, i + width).map((task) => task()));
  }
}

const flagsIn = (help: string): string[] => [
  ...new Set([...help.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map(([flag]) => flag)),
];

/** Flags a help text defines: lines that start with one (`  --keep  …`, `  -h, --help  …`). */
const flagsDefinedIn = (help: string): string[] =>
  [...help.matchAll(/^\s+(?:-\w,\s*)?(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1] ?? '');

/**
 * Every command `./darkroom` takes with the flags its help names: the script's own arms (`demo`
 * runs the program its arm execs, with `--help`), and the CLI's commands, listed by the CLI's
 * `--help` (lines `  <command>  <what it does>`) and each confirmed by its own `--help`. Flags
 * the CLI's `--help` defines (`--json`, `--verbose`) count for each of its commands.
 */
async function declaredCommands(): Promise<Map<string, Set<string>>> {
  const arms = wrapperArms();
  const cli = arms.find((arm) => arm.names.includes('*'))?.exec;
  if (!cli) throw new Error('the darkroom script no longer execs the CLI in its `*)` arm');
  const commands = new Map<string, Set<string>>();
  const learn = async (name: string, command: string[], args: string[], common: string[]) => {
    const help = await output(command, [...args, '--help']);
    if (help.ok) commands.set(name, new Set(['--help', ...common, ...flagsIn(help.text)]));
  };
  const own = arms.filter((arm) => !arm.names.includes('*'));
  // `-h` and `--help` are the script's own help, not commands.
  const ownNames = own.flatMap((arm) => arm.names).filter((name) => !name.startsWith('-'));
  for (const arm of own.filter((a) => !a.exec)) {
    for (const name of arm.names.filter((n) => ownNames.includes(n))) {
      commands.set(name, new Set(['--help']));
    }
  }
  const listing = (await output(cli, ['--help'])).text;
  // Candidates only: a line that is not a command fails its own --help and is left out.
  const listed = [...listing.matchAll(/^ +([a-z][a-z-]*) +\S/gm)].map((m) => m[1] ?? '');
  const common = flagsDefinedIn(listing);
  await inBatches(
    [
      ...own.flatMap((arm) =>
        arm.exec
          ? arm.names
              .filter((name) => ownNames.includes(name))
              .map((name) => () => learn(name, arm.exec ?? [], [], []))
          : [],
      ),
      ...[...new Set(listed)]
        .filter((name) => !ownNames.includes(name))
        .map((name) => () => learn(name, cli, [name], common)),
    ],
    3,
  );
  return commands;
}

// ---- What the docs show -------------------------------------------------------------------

interface Invocation {
  where: string;
  command: string;
  flags: string[];
}

/** The code of a Markdown text: fenced blocks, continuation lines joined, and inline spans. */
function codeLines(text: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const lines = text.split('\n');
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      let code = line;
      const start = i;
      while (code.endsWith('\\') && i + 1 < lines.length)
        code = `${code.slice(0, -1)} ${lines[++i]}`;
      out.push({ line: start + 1, code });
    } else {
      for (const [, span] of line.matchAll(/`([^`]+)`/g))
        out.push({ line: i + 1, code: span ?? '' });
    }
  }
  return out;
}

/** Every `darkroom <command> [--flag …]` in a doc's code, quoted arguments and comments left out. */
function invocations(file: string, text: string): Invocation[] {
  const found: Invocation[] = [];
  for (const { line, code } of codeLines(text)) {
    const bare = code
      .replace(/'[^']*'|"[^"]*"/g, "''")
      .replace(/\s#\s.*$/, '')
      .replace(/^\s*\$\s+/, '');
    for (const segment of bare.split(/&&|\|\||[;|]/)) {
      // `NAME=value ./darkroom …`: the assignments before the command are the environment.
      const command = segment.replace(/^\s*(?:[A-Z_][A-Z0-9_]*=\S*\s+)*/, '');
      // A placeholder (`darkroom <command>`, `darkroom …`) names no command.
      const m = /^(?:\.\/)?darkroom\s+([a-z][\w-]*|-[\w-]+)(?![^\s;|&])(.*)$/.exec(command);
      if (!m?.[1]) continue;
      found.push({
        where: `${file}:${line}`,
        command: m[1],
        flags: [...(m[2] ?? '').matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map(([flag]) => flag),
      });
    }
  }
  return found;
}

function commandProblems(docs: Invocation[], commands: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  for (const { where, command, flags } of docs) {
    if (command.startsWith('-')) continue; // `darkroom --help`: the script's own help
    const known = commands.get(command);
    if (!known) {
      problems.push(`${where}: darkroom has no command ${command}`);
      continue;
    }
    for (const flag of flags) {
      if (!known.has(flag)) problems.push(`${where}: darkroom ${command} has no flag ${flag}`);
    }
  }
  return problems;
}

// ---- Environment variables ----------------------------------------------------------------

/** The variables a parser reads from the environment it is given, with `base` making it valid. */
function variablesRead(
  parse: (env: Record<string, string | undefined>) => unknown,
  base: Record<string, string>,
): string[] {
  const read = new Set<string>();
  const note = (key: string | symbol): void => {
    if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key)) read.add(key);
  };
  const env = new Proxy<Record<string, string | undefined>>(
    { ...base },
    {
      get(target, key): unknown {
        note(key);
        return Reflect.get(target, key) as unknown;
      },
      has(target, key) {
        note(key);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        note(key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    },
  );
  parse(env);
  return [...read];
}

/**
 * Every variable some app's configuration reads: each parser runs once on an environment that
 * records the names it looks up (its zod schema's keys, the emulator's flags' fallbacks).
 */
function configVariables(): Set<string> {
  return new Set([
    ...variablesRead(parseWorkerConfig, { ADOBE_CLIENT_ID: 'docs', ADOBE_CLIENT_SECRET: 'docs' }),
    ...variablesRead(parseProducerConfig, { PRODUCER_TOKENS: 'docs' }),
    ...variablesRead(parseCliConfig, {}),
    ...variablesRead(dashboardConfigFromEnv, { DASHBOARD_USERS: 'admin:docs:admin' }),
    ...variablesRead((env) => parseEmulatorArgs([], env), {}),
  ]);
}

/**
 * Variables the docs name that no configuration schema reads, and the file that does use them:
 * a test's own knob, the demo's dashboard password. Each is checked to still be used there.
 */
const USED_ELSEWHERE: Record<string, string> = {
  PRODUCER_FUZZ_RUNS: 'apps/producer/test/create-server.malformed-bodies.test.ts',
  DASHBOARD_PASSWORD: 'apps/demo/src/local-stack.ts',
};

/**
 * Names in a doc that look like Darkroom's variables (their first word is that of a variable some
 * configuration reads: `DARKROOM_`, `REDIS_`, `ADOBE_`, `WORKER_` …) but that none reads. Other
 * names (`NODE_EXTRA_CA_CERTS`, `OTEL_*`, `MINIO_ROOT_USER`) belong to other programs.
 */
function variableProblems(file: string, text: string, read: Set<string>): string[] {
  const families = new Set([...read].map((name) => name.split('_')[0]));
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [name] of line.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)) {
      if (!families.has(name.split('_')[0]) || read.has(name) || name in USED_ELSEWHERE) continue;
      problems.push(`${file}:${i + 1}: no configuration reads ${name}`);
    }
  });
  return problems;
}

describe('commands and environment variables in the operator docs', () => {
  let commands: Map<string, Set<string>>;
  beforeAll(async () => {
    commands = await declaredCommands();
  }, 300_000);

  it("learns the commands from the darkroom script and the CLI's own help", () => {
    for (const name of [
      'demo',
      'test',
      'enqueue',
      'status',
      'watch',
      'cancel',
      'retry',
      'doctor',
    ]) {
      expect(commands.has(name)).toBe(true);
    }
    expect(commands.get('demo')).toContain('--keep');
    expect(commands.get('enqueue')).toContain('--from');
    expect(commands.get('status')).toContain('--wait');
    expect(commands.get('status')).toContain('--json');
    expect(commands.has('add')).toBe(false);
  });

  it('show only commands and flags the CLI has', () => {
    const docs = DOCS.flatMap((file) => invocations(file, readDoc(file)));
    expect(docs.length).toBeGreaterThan(10);
    expect(commandProblems(docs, commands)).toEqual([]);
  });

  it('name only environment variables some configuration reads', () => {
    const read = configVariables();
    expect([...read]).toEqual(
      expect.arrayContaining([
        'REDIS_URL',
        'DARKROOM_TENANTS',
        'WORKER_CONCURRENCY',
        'ADOBE_ORG_ID',
      ]),
    );
    for (const [name, file] of Object.entries(USED_ELSEWHERE)) {
      expect({ name, usedIn: readDoc(file).includes(name) && file }).toEqual({
        name,
        usedIn: file,
      });
    }
    const problems = DOCS.flatMap((file) => variableProblems(file, readDoc(file), read));
    expect(problems).toEqual([]);
  });

  it('would catch an unknown command, an unknown flag and an unknown variable', () => {
    const text = [
      '```sh',
      './darkroom enqueue --from jobs.jsonl --frobnicate \\',
      '  --priority 3',
      'REDIS_URL=redis://x ./darkroom launch',
      '```',
      'Run `darkroom status <id> --wait 5 --json` with `DARKROOM_QUEUES_MAX` set.',
      '`darkroom enqueue --json \'{"a":"--not-a-flag"}\'`; `kubectl -n darkroom create x`',
    ].join('\n');
    const fake = new Map([
      ['enqueue', new Set(['--help', '--from', '--json'])],
      ['status', new Set(['--help', '--wait', '--json'])],
    ]);
    expect(commandProblems(invocations('doc.md', text), fake)).toEqual([
      'doc.md:2: darkroom enqueue has no flag --frobnicate',
      'doc.md:2: darkroom enqueue has no flag --priority',
      'doc.md:4: darkroom has no command launch',
    ]);
    expect(invocations('doc.md', text).map((i) => i.command)).toEqual([
      'enqueue',
      'launch',
      'status',
      'enqueue',
    ]);
    expect(variableProblems('doc.md', text, new Set(['REDIS_URL', 'DARKROOM_QUEUE']))).toEqual([
      'doc.md:6: no configuration reads DARKROOM_QUEUES_MAX',
    ]);
  });
});
