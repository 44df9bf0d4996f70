import { parseArgs, type ParseArgsConfig } from 'node:util';
import { coerceError } from '@darkroom/core';
import { UsageError } from './usage-error';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts; `darkroom --help` describes them. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean' },
  'log-json': { type: 'boolean' },
} as const satisfies Options;

/** The common options that may also come before the command: `darkroom --verbose doctor`. */
export const LEADING_FLAGS: readonly string[] = ['--json', '--verbose', '--log-json'];

/** `node:util` parseArgs with the common options, whose errors become usage errors (exit 2). */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    const message = coerceError(err).message;
    throw new UsageError(`${message}. See: darkroom ${command} --help`);
  }
}

/** Exactly one positional job id, or a usage error naming the command. */
export function singleId(command: string, positionals: string[]): string {
  const [id, ...rest] = positionals;
  if (!id || rest.length > 0) {
    throw new UsageError(`darkroom ${command} takes exactly one job id: darkroom ${command} <id>`);
  }
  return id;
}

/** `--wait <seconds>` in milliseconds: 0 when absent; a usage error naming the flag otherwise. */
export function parseWaitFlag(value: string | undefined): number {
  const seconds = value === undefined ? 0 : Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError('--wait takes a number of seconds, e.g. --wait 60');
  }
  return seconds * 1000;
}
