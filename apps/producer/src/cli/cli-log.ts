import { createLogger, type Logger } from '@darkroom/observability';

/** Whether and how the CLI logs: nothing by default, so the terminal shows only its own lines. */
export type LogMode = 'off' | 'json' | 'verbose';

/** `--verbose` (debug level) wins over `--log-json` (LOG_LEVEL); neither leaves logging off. */
export function logModeOf(flags: {
  verbose?: boolean | undefined;
  logJson?: boolean | undefined;
}): LogMode {
  if (flags.verbose) return 'verbose';
  return flags.logJson ? 'json' : 'off';
}

/**
 * The CLI's log: JSON lines on `stream` (stderr), scrubbed of secrets like every Darkroom log, at
 * debug for `--verbose`, at `level` (LOG_LEVEL) for `--log-json`, and none at all otherwise.
 */
export function createCliLogger(
  mode: LogMode,
  level: string,
  stream: { write(text: string): void },
): Logger {
  return createLogger({
    name: 'darkroom-cli',
    level: mode === 'off' ? 'silent' : mode === 'verbose' ? 'debug' : level,
    destination: stream,
  });
}
