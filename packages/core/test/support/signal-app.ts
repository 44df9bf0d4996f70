// A small process started by the runUntilSignal tests: `node --import tsx signal-app.ts <scenario>`.
// It reports what happens on stdout, one word a line, so the test can wait on each step.
import { once } from 'node:events';
import { runUntilSignal, type Closable } from '../../src';

const scenario = process.argv[2] ?? 'serve';
const report = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** A line from the test on stdin: how the test lets a blocked step go on. */
async function goAhead(): Promise<void> {
  await once(process.stdin, 'data');
}

class FixtureConfigError extends Error {
  override name = 'ConfigError';
}

async function start(): Promise<Closable> {
  report('starting');
  if (scenario === 'bad-config')
    throw new FixtureConfigError('invalid configuration: PORT: required');
  if (scenario === 'bad-usage') {
    throw Object.assign(new TypeError("Unknown option '--nope'"), {
      code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
    });
  }
  if (scenario === 'start-fails') throw new Error('listen EADDRINUSE\n    at the second line');
  if (scenario === 'start-leaks-url') {
    // Assembled at run time so no credential-shaped literal sits in the source.
    const url = ['redis://default', ':', 'hunter2-', 'pw@cache.internal:6380'].join('');
    throw new Error(`connect ECONNREFUSED ${url}`);
  }
  if (scenario === 'start-throws-string') {
    // Code Darkroom calls may throw anything; this scenario checks that a string is reported too.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw 'not an Error';
  }
  if (scenario === 'slow-start') {
    // The test's signal is seen here after runUntilSignal's own handler, which was installed
    // first; only then does the test let start-up finish.
    process.once('SIGTERM', () => report('signal seen'));
    await goAhead();
  }
  // The app: a handle that keeps the event loop alive until it is closed, like a server would.
  const alive = setInterval(() => undefined, 60_000);
  report('started');
  return {
    close: async () => {
      report('close');
      if (scenario === 'slow-close') await goAhead();
      clearInterval(alive);
      process.stdin.destroy();
      if (scenario === 'close-fails') throw new Error('queue did not close');
    },
  };
}

runUntilSignal(start, {
  name: 'signal-app',
  onStop: (_app, signal) => report(`stopping on ${signal}`),
});
