import { DarkroomApiError } from '@darkroom/client';
import { ConfigError } from '@darkroom/config';
import { coerceError } from '@darkroom/core';
import {
  EditJobValidationError,
  IdempotencyConflictError,
  QuotaExceededError,
  RecipeValidationError,
  RedisUnavailableError,
  isConnectionError,
} from '@darkroom/jobs';
import { redactSecrets, type Logger } from '@darkroom/observability';
import { CALLBACKS_HELP, callbacksCommand } from './callbacks-command';
import { CANCEL_HELP, cancelCommand } from './cancel-command';
import { parseCliConfig, type CliConfig } from './cli-config';
import type { CliIo } from './cli-io';
import { createCliLogger, logModeOf } from './cli-log';
import type { CommandContext } from './command-context';
import { DOCTOR_HELP, doctorCommand } from './doctor-command';
import { ENQUEUE_HELP, enqueueCommand } from './enqueue-command';
import { JOBS_HELP, jobsCommand } from './jobs-command';
import { EXIT, EXIT_SUMMARY } from './exit-codes';
import { Output } from './output';
import { LEADING_FLAGS } from './parse-command-args';
import { RETRY_HELP, retryCommand } from './retry-command';
import { RUN_HELP, runCommand } from './run-command';
import { STATUS_HELP, statusCommand } from './status-command';
import { ProducerUnavailableError } from './unreachable';
import { USAGE_HELP, usageCommand } from './usage-command';
import { JobNotFoundError, UsageError } from './usage-error';
import { WATCH_HELP, watchCommand } from './watch-command';

const COMMANDS: Record<string, { run: (ctx: CommandContext) => Promise<number>; help: string }> = {
  enqueue: { run: enqueueCommand, help: ENQUEUE_HELP },
  run: { run: runCommand, help: RUN_HELP },
  status: { run: statusCommand, help: STATUS_HELP },
  jobs: { run: jobsCommand, help: JOBS_HELP },
  watch: { run: watchCommand, help: WATCH_HELP },
  cancel: { run: cancelCommand, help: CANCEL_HELP },
  retry: { run: retryCommand, help: RETRY_HELP },
  doctor: { run: doctorCommand, help: DOCTOR_HELP },
  callbacks: { run: callbacksCommand, help: CALLBACKS_HELP },
  usage: { run: usageCommand, help: USAGE_HELP },
};

/** What each command does, in one line, in the order `darkroom --help` lists them. */
export const COMMAND_SUMMARIES: Record<string, string> = {
  enqueue: 'add edits: one from flags or JSON, or thousands from a JSONL or CSV manifest',
  run: 'run a recipe (steps of edits) by name or from a file; --from runs one per line',
  status: "an edit's or a run's state, result or failure; --wait for it to finish",
  jobs: 'list edits by state, tenant, operation or Adobe job id',
  watch: 'live counts per state, pace and ETA, per account and per tenant',
  cancel: 'cancel an edit',
  retry: 'run a failed edit or recipe run again, or every failed edit (--failed [--reason <code>])',
  doctor: 'check Redis, storage, Adobe credentials and clocks',
  usage: 'what each tenant used: edits, Adobe calls, 429s, bytes, Adobe time',
  callbacks: 'list dead callbacks (dead), or send one again (redeliver <id>)',
};

/** The commands that go over HTTP to DARKROOM_PRODUCER_URL when it is set. */
export const HTTP_COMMANDS = [
  'enqueue',
  'run',
  'status',
  'jobs',
  'cancel',
  'retry',
  'usage',
  'callbacks',
];

/** The commands that read Redis whatever DARKROOM_PRODUCER_URL says: what they show has no route. */
export const REDIS_COMMANDS = ['watch', 'doctor'];

/** The registered commands, those with a summary first and in its order. */
export function commandNames(): string[] {
  const listed = Object.keys(COMMAND_SUMMARIES).filter((name) => Object.hasOwn(COMMANDS, name));
  return [...listed, ...Object.keys(COMMANDS).filter((name) => !listed.includes(name))];
}

/** The help of one command, or undefined for a name that is not one. */
export function commandHelp(name: string): string | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name]?.help : undefined;
}

function usageText(): string {
  const names = commandNames();
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const commands = names.map((n) => `  ${n.padEnd(width)}${COMMAND_SUMMARIES[n] ?? ''}`.trimEnd());
  return `darkroom: run Photoshop API edits as durable jobs

Usage: darkroom <command> [flags]

Commands:
${commands.join('\n')}

Flags every command takes:
  --json        print one JSON document on stdout instead of text
  --verbose     also write log lines (JSON) to stderr, at debug level
  --log-json    write log lines (JSON) to stderr at LOG_LEVEL (default info)
  -h, --help    the command's flags: darkroom <command> --help, or darkroom help <command>

Environment: REDIS_URL (or REDIS_CLUSTER_NODES), DARKROOM_PREFIX, DARKROOM_QUEUE,
DARKROOM_STORAGE, ADOBE_CLIENT_ID and ADOBE_CLIENT_SECRET (or ADOBE_ACCOUNTS), ADOBE_IMS_URL,
ADOBE_API_URL, ADOBE_API_V2_URL, DARKROOM_DOCTOR_PROBES, DARKROOM_CALLBACK_QUEUE,
DARKROOM_TENANTS, DARKROOM_LEGACY_API, DARKROOM_SCRATCH, DARKROOM_RECIPES, LOG_LEVEL,
DARKROOM_PRODUCER_URL, DARKROOM_PRODUCER_TOKEN.

With DARKROOM_PRODUCER_URL (an http or https URL) and DARKROOM_PRODUCER_TOKEN (one of that
producer's PRODUCER_TOKENS) set, these go over HTTP to the producer and never touch Redis:
${HTTP_COMMANDS.join(', ')}. ${REDIS_COMMANDS.join(' and ')} read Redis all the same.

Exit codes:
${EXIT_SUMMARY.map((line) => `  ${line}`).join('\n')}`;
}

/** `darkroom --help`: every command with one line, the common flags, environment and exit codes. */
export const USAGE = usageText();

/**
 * Splits the argv into the command and its arguments; the flags every command takes may also
 * come first (`darkroom --verbose doctor`), and move behind the command.
 */
function splitCommand(argv: readonly string[]): { command: string | undefined; rest: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length && LEADING_FLAGS.includes(argv[i] ?? '')) leading.push(argv[i++] ?? '');
  return { command: argv[i], rest: [...argv.slice(i + 1), ...leading] };
}

/**
 * Runs one `darkroom` invocation and returns its exit code; `argv` excludes node and the script.
 * Nothing here calls `process.exit`, so tests run commands in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { command, rest } = splitCommand(argv);
  const out = new Output(io, jsonOutputRequested(rest));
  const code = await dispatch(command, rest, io, out);
  // A reader that left (`| head`) ends the command quietly; a stdout that broke otherwise fails.
  const stdout = out.stdoutState();
  if (stdout.error) return EXIT.failed;
  return stdout.gone ? EXIT.ok : code;
}

async function dispatch(
  command: string | undefined,
  rest: string[],
  io: CliIo,
  out: Output,
): Promise<number> {
  if (!command || command === '--help' || command === '-h') {
    out.write(`${USAGE}\n`);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === 'help') return helpCommand(rest, out);
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!entry) {
    return fail(
      out,
      EXIT.usage,
      'usage',
      `unknown command ${JSON.stringify(command)}; run darkroom --help for the list`,
    );
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out.write(`${entry.help}\n`);
    return EXIT.ok;
  }
  let config: CliConfig;
  try {
    config = parseCliConfig(io.env);
  } catch (err) {
    return failWith(err, out, undefined);
  }
  const log = createCliLogger(
    logModeOf({ verbose: rest.includes('--verbose'), logJson: rest.includes('--log-json') }),
    config.logLevel,
    out.logStream,
  ).child({ command });
  logConfiguration(log, config);
  const started = Date.now();
  // Ctrl-C and a reader leaving (`| head`) both end a command that keeps going.
  const signal = io.signal ? AbortSignal.any([io.signal, out.stdoutGone]) : out.stdoutGone;
  let code: number;
  try {
    code = await entry.run({ argv: rest, io: { ...io, signal }, out, config, log });
  } catch (err) {
    code = failWith(err, out, config, log);
  }
  log.info({ exitCode: code, durationMs: Date.now() - started }, 'command finished');
  return code;
}

/** `darkroom help [<command>]`. */
function helpCommand(rest: string[], out: Output): number {
  const [name] = rest.filter((arg) => !arg.startsWith('-'));
  if (name === undefined) {
    out.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const help = commandHelp(name);
  if (help === undefined) {
    return fail(
      out,
      EXIT.usage,
      'usage',
      `no command ${JSON.stringify(name)}; the commands are: ${commandNames().join(', ')}`,
    );
  }
  out.write(`${help}\n`);
  return EXIT.ok;
}

/** What the command runs against, for `--verbose`: names and hosts, never a secret. */
function logConfiguration(log: Logger, config: CliConfig): void {
  log.debug(
    {
      ...(config.producer ? { producer: config.producer.url } : {}),
      redis: config.redisTarget,
      prefix: config.prefix,
      queue: config.queueName,
      accounts: Object.keys(config.accounts),
      storage: Object.keys(config.storage ?? {}),
    },
    'configuration',
  );
}

/**
 * The exit code and message of everything a command may throw; `config` is undefined when the
 * configuration itself was refused.
 */
function failWith(err: unknown, out: Output, config: CliConfig | undefined, log?: Logger): number {
  if (err instanceof UsageError) return fail(out, EXIT.usage, 'usage', err.message, err.issues);
  if (err instanceof ConfigError) {
    return fail(
      out,
      EXIT.usage,
      'config',
      `${err.message}; fix the environment variable${err.issues.length === 1 ? '' : 's'} named`,
    );
  }
  if (err instanceof RecipeValidationError) {
    return fail(out, EXIT.usage, 'invalid_run', 'the run is invalid', err.issues);
  }
  if (err instanceof EditJobValidationError) {
    return fail(out, EXIT.usage, 'invalid_job', 'the job is invalid', err.issues);
  }
  if (err instanceof IdempotencyConflictError) {
    return fail(
      out,
      EXIT.usage,
      'idempotency_conflict',
      `${err.message}: use a new idempotency key or resend the original job`,
    );
  }
  if (err instanceof QuotaExceededError) {
    return fail(out, EXIT.usage, 'quota_exceeded', `${err.message}; nothing was enqueued`);
  }
  if (err instanceof JobNotFoundError) return fail(out, EXIT.notFound, 'not_found', err.message);
  if (err instanceof RedisUnavailableError || isConnectionError(err)) {
    return fail(
      out,
      EXIT.unreachable,
      'redis_unavailable',
      `Redis is unreachable at ${config?.redisTarget ?? 'the configured Redis'}: start Redis or set REDIS_URL`,
    );
  }
  if (err instanceof ProducerUnavailableError) {
    // What fetch said (refused, a name that does not resolve), for --verbose.
    log?.debug({ err: coerceError(err.cause) }, 'producer unavailable');
    return fail(out, EXIT.unreachable, 'producer_unavailable', err.message);
  }
  if (err instanceof DarkroomApiError) return failApi(err, out, config, log);
  // Unexpected: the message for everyone, the stack and causes in the log (--verbose).
  log?.error({ err: coerceError(err) }, 'command failed');
  return fail(out, EXIT.failed, 'error', redactSecrets(coerceError(err).message));
}

/**
 * An error answer of the producer no command turned into its own outcome: one that refuses
 * the request as asked (a quota, an idempotency conflict, a body too large) is exit 2 with the
 * producer's own words, which are those the Redis side prints; anything else is exit 1.
 */
function failApi(
  err: DarkroomApiError,
  out: Output,
  config: CliConfig | undefined,
  log?: Logger,
): number {
  const issues = err.issues.length > 0 ? err.issues : undefined;
  if (err.status >= 400 && err.status < 500 && err.status !== 404) {
    return fail(out, EXIT.usage, err.code, err.problem.detail, issues);
  }
  log?.error({ err: coerceError(err) }, 'command failed');
  const where = config?.producer ? `the producer at ${config.producer.url}` : 'the producer';
  return fail(
    out,
    EXIT.failed,
    err.code,
    `${where} answered ${err.status} ${err.code}: ${redactSecrets(err.problem.detail)}`,
  );
}

/** `--json` anywhere asks for JSON output, except as enqueue's job argument (`{…}` or `-` follows). */
function jsonOutputRequested(args: string[]): boolean {
  return args.some((arg, i) => {
    if (arg !== '--json') return false;
    const next = args[i + 1];
    return !(next !== undefined && (next === '-' || next.trimStart().startsWith('{')));
  });
}

function fail(
  out: Output,
  code: number,
  kind: string,
  message: string,
  issues?: { path: string; rule: string; message: string }[],
): number {
  out.note(`darkroom: ${message}`);
  for (const issue of issues ?? []) {
    out.note(`  ${issue.path || '(job)'}: ${issue.message} [${issue.rule}]`);
  }
  if (out.json) {
    out.result({ error: { code: kind, message, ...(issues ? { issues } : {}) } }, () => []);
  }
  return code;
}
