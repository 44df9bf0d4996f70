import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { interruptedExitCode } from '../src';

// Each test runs a real Node process (test/support/signal-app.ts) and sends it real signals.
const APP = join(__dirname, 'support', 'signal-app.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface AppProcess {
  child: ChildProcessWithoutNullStreams;
  /** stdout lines so far. */
  lines: string[];
  stderr(): string;
  /** Resolves once stdout holds `line`; rejects if the process exits first. */
  reached(line: string): Promise<void>;
  exited: Promise<Exit>;
}

const running: AppProcess[] = [];

function startApp(scenario: string): AppProcess {
  const child = spawn(process.execPath, ['--import', TSX, APP, scenario], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let rest = '';
  const waiters: { line: string; resolve: () => void; reject: (err: Error) => void }[] = [];
  const settle = (): void => {
    for (const waiter of [...waiters]) {
      if (!lines.includes(waiter.line)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
    settle();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => {
    // 'close' rather than 'exit': every line the process wrote has been read by then.
    child.once('close', (code, signal) => {
      for (const waiter of waiters.splice(0)) {
        waiter.reject(
          new Error(`exited (${String(code ?? signal)}) before "${waiter.line}": ${stderr}`),
        );
      }
      resolve({ code, signal });
    });
  });
  const app: AppProcess = {
    child,
    lines,
    stderr: () => stderr,
    reached: (line) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ line, resolve, reject });
        settle();
      }),
    exited,
  };
  running.push(app);
  return app;
}

afterEach(async () => {
  for (const app of running.splice(0)) {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await app.exited;
  }
});

describe('runUntilSignal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'closes the app once on %s and exits 0',
    async (signal) => {
      const app = startApp('serve');
      await app.reached('started');
      app.child.kill(signal);
      expect(await app.exited).toEqual({ code: 0, signal: null });
      expect(app.lines.filter((l) => l === 'close')).toHaveLength(1);
      expect(app.lines).toContain(`stopping on ${signal}`);
      expect(app.stderr()).toBe('');
    },
  );

  it('honours a signal that arrives during start-up once the app has started', async () => {
    const app = startApp('slow-start');
    await app.reached('starting');
    app.child.kill('SIGTERM');
    await app.reached('signal seen');
    app.child.stdin.write('go\n');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.lines).toEqual([
      'starting',
      'signal seen',
      'started',
      'stopping on SIGTERM',
      'close',
    ]);
  });

  it('exits at once at a second signal while closing', async () => {
    const app = startApp('slow-close');
    await app.reached('started');
    app.child.kill('SIGTERM');
    await app.reached('close');
    app.child.kill('SIGINT');
    expect(await app.exited).toEqual({ code: interruptedExitCode('SIGINT'), signal: null });
    expect(interruptedExitCode('SIGINT')).toBe(130);
    expect(app.stderr()).toBe('signal-app: second signal (SIGINT) while stopping: exiting now\n');
  });

  it('exits 1 with one line when close() rejects', async () => {
    const app = startApp('close-fails');
    await app.reached('started');
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 1, signal: null });
    expect(app.stderr()).toBe('signal-app: did not close cleanly: queue did not close\n');
  });

  it.each([
    ['a ConfigError', 'bad-config', 2, 'invalid configuration: PORT: required'],
    ['a parseArgs usage error', 'bad-usage', 2, "Unknown option '--nope'"],
    ['any other Error', 'start-fails', 1, 'listen EADDRINUSE at the second line'],
    ['a thrown string', 'start-throws-string', 1, 'not an Error'],
    [
      'an Error quoting a password',
      'start-leaks-url',
      1,
      'connect ECONNREFUSED redis://default:[redacted]@cache.internal:6380',
    ],
  ])('exits with one line when start-up fails with %s', async (_what, scenario, code, line) => {
    const app = startApp(scenario);
    expect(await app.exited).toEqual({ code, signal: null });
    expect(app.stderr()).toBe(`signal-app: ${line}\n`);
    expect(app.lines).toEqual(['starting']);
  });
});
