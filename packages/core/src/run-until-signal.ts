import { constants } from 'node:os';
import { coerceError } from './coerce-error';
import { redactSecrets } from './redaction/redact-secrets';

/** What `runUntilSignal` starts and stops: anything whose `close()` may be called more than once. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * The exit codes of every long-running Darkroom process, so that a supervisor (Kubernetes, a
 * compose file, a shell script) reads them the same way whichever process it runs.
 */
export const EXIT_CODES = {
  /** Stopped by SIGTERM or SIGINT and closed cleanly. */
  stopped: 0,
  /** Did not start for a reason other than its configuration, or did not close cleanly. */
  failed: 1,
  /** Refused to start: a bad configuration or bad command-line usage. */
  badConfiguration: 2,
} as const;

/** The signals that ask a Darkroom process to stop: SIGTERM from a supervisor, SIGINT from Ctrl-C. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * The exit code of a process that gives up closing at a second signal: 128 plus the signal's
 * number, which is how a shell reports a process ended by that signal (130 for SIGINT, 143 for
 * SIGTERM). It tells an impatient stop apart from both a clean stop and a failure.
 */
export function interruptedExitCode(signal: NodeJS.Signals): number {
  const signals: Partial<Record<NodeJS.Signals, number>> = constants.signals;
  return 128 + (signals[signal] ?? 0);
}

/**
 * Whether a start-up failure is the operator's to fix in the configuration rather than a fault:
 * a `ConfigError` of `@darkroom/config` (recognised by its name, so this package depends on
 * nothing) or a usage error from Node's `util.parseArgs` (unknown flag, missing value).
 */
export function isConfigurationError(err: Error): boolean {
  if (err.name === 'ConfigError') return true;
  const code = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** How `runUntilSignal` names the process and reports what happens to it. */
export interface RunUntilSignalOptions<T extends Closable> {
  /** Starts every line `runUntilSignal` writes to stderr, e.g. `darkroom-worker`. */
  name: string;
  /**
   * Which start-up failures exit with {@link EXIT_CODES.badConfiguration}; every other one exits
   * with {@link EXIT_CODES.failed}. Defaults to {@link isConfigurationError}.
   */
  isConfigError?: (err: Error) => boolean;
  /** Called once, just before `close()`, when a stop signal has arrived and the app is up. */
  onStop?: (app: T, signal: NodeJS.Signals) => void;
  /**
   * Called when `close()` rejects, before the process exits with {@link EXIT_CODES.failed}.
   * Defaults to one line on stderr; an app with a logger usually logs it there instead.
   */
  onCloseError?: (app: T, err: Error) => void;
}

/**
 * Runs a long-lived process until SIGTERM or SIGINT, with the same exit codes in every Darkroom
 * app:
 *
 * - a stop signal closes the app once and exits 0 ({@link EXIT_CODES.stopped}), or 1 when
 *   `close()` rejects; a second signal while it closes exits at once with
 *   {@link interruptedExitCode} (130 or 143);
 * - a start-up failure writes one line to stderr (`<name>: <message>`) and exits 2 for a
 *   configuration error ({@link RunUntilSignalOptions.isConfigError}) or 1 for anything else.
 *
 * The signal handlers are installed before `start` runs, so a signal that arrives while the app
 * is still starting is not lost and does not kill it half-built: the app is closed as soon as it
 * has started.
 */
export function runUntilSignal<T extends Closable>(
  start: () => Promise<T>,
  options: RunUntilSignalOptions<T>,
): void {
  const { name, isConfigError = isConfigurationError } = options;
  const say = (text: string): void => {
    // One line whatever the message holds, so a log collector sees one event; a start-up error
    // may quote a connection string, so the line goes through the same redaction as every log.
    process.stderr.write(`${name}: ${redactSecrets(text.replace(/\s*\n\s*/g, ' '))}\n`);
  };

  let app: T | undefined;
  let stopSignal: NodeJS.Signals | undefined;

  const stop = (running: T, signal: NodeJS.Signals): void => {
    Promise.resolve()
      .then(() => {
        options.onStop?.(running, signal);
        return running.close();
      })
      .then(
        () => process.exit(EXIT_CODES.stopped),
        (err: unknown) => {
          const error = coerceError(err);
          if (options.onCloseError) options.onCloseError(running, error);
          else say(`did not close cleanly: ${error.message}`);
          process.exit(EXIT_CODES.failed);
        },
      );
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopSignal !== undefined) {
      say(`second signal (${signal}) while stopping: exiting now`);
      process.exit(interruptedExitCode(signal));
    }
    stopSignal = signal;
    // Still starting: remembered, and acted on as soon as `start` resolves.
    if (app) stop(app, signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

  // `start` runs in a microtask, after the handlers above, even if it throws synchronously.
  Promise.resolve()
    .then(start)
    .then(
      (started) => {
        app = started;
        if (stopSignal !== undefined) stop(started, stopSignal);
      },
      (err: unknown) => {
        const error = coerceError(err);
        say(error.message);
        process.exit(isConfigError(error) ? EXIT_CODES.badConfiguration : EXIT_CODES.failed);
      },
    );
}
