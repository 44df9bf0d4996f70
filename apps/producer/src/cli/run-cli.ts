import { ConfigError } from '@darkroom/config';
import { coerceError } from '@darkroom/core';
import {
  EditJobValidationError,
  IdempotencyConflictError,
  QuotaExceededError,
  RedisUnavailableError,
  isConnectionError,
} from '@darkroom/jobs';
import { redactSecrets } from '@darkroom/observability';
import { CALLBACKS_HELP, callbacksCommand } from './callbacks-command';
import { CANCEL_HELP, cancelCommand } from './cancel-command';
import { parseCliConfig } from './cli-config';
import type { CliIo } from './cli-io';
import type { CommandContext } from './command-context';
import { DOCTOR_HELP, doctorCommand } from './doctor-command';
import { ENQUEUE_HELP, enqueueCommand } from './enqueue-command';
import { EXIT } from './exit-codes';
import { Output } from './output';
import { RETRY_HELP, retryCommand } from './retry-command';
import { STATUS_HELP, statusCommand } from './status-command';
import { USAGE_HELP, usageCommand } from './usage-command';
import { JobNotFoundError, UsageError } from './usage-error';
import { WATCH_HELP, watchCommand } from './watch-command';

const COMMANDS: Record<string, { run: (ctx: CommandContext) => Promise<number>; help: string }> = {
  enqueue: { run: enqueueCommand, help: ENQUEUE_HELP },
  status: { run: statusCommand, help: STATUS_HELP },
  watch: { run: watchCommand, help: WATCH_HELP },
  cancel: { run: cancelCommand, help: CANCEL_HELP },
  retry: { run: retryCommand, help: RETRY_HELP },
  doctor: { run: doctorCommand, help: DOCTOR_HELP },
  callbacks: { run: callbacksCommand, help: CALLBACKS_HELP },
  usage: { run: usageCommand, help: USAGE_HELP },
};

export const USAGE = `darkroom: run Photoshop API edits as durable jobs

Usage: darkroom <command> [options] [--json]

Commands:
  enqueue   add a job from flags, from JSON, or thousands from a .jsonl/.csv manifest
  status    show a job's state, result or failure
  watch     live counts per state and per account
  cancel    cancel a job
  retry     run a failed job again, or every failed job (--failed [--reason <code>])
  doctor    check Redis, storage, Adobe credentials and clocks
  callbacks list dead callbacks (dead), or send one again (redeliver <id>)
  usage     what each tenant used: edits, Adobe calls, 429s, bytes, Adobe time (--since 24h)

Run darkroom <command> --help for its options.
Environment: REDIS_URL, DARKROOM_PREFIX, DARKROOM_QUEUE, DARKROOM_STORAGE, ADOBE_CLIENT_ID,
ADOBE_CLIENT_SECRET (or ADOBE_ACCOUNTS), ADOBE_IMS_URL, ADOBE_API_URL, DARKROOM_DOCTOR_PROBES,
DARKROOM_CALLBACK_QUEUE, DARKROOM_TENANTS.
Exit codes: 0 ok, 1 job failed or doctor found a problem, 2 bad usage, invalid or refused job,
3 Redis unreachable, 4 not found.`;

/**
 * Runs one `darkroom` invocation and returns its exit code; `argv` excludes node and the script.
 * Nothing here calls `process.exit`, so tests run commands in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const wantsJson = jsonOutputRequested(rest);
  const out = new Output(io, wantsJson);
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(`${USAGE}\n`);
    return command ? EXIT.ok : EXIT.usage;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    return fail(
      out,
      EXIT.usage,
      'usage',
      `unknown command ${JSON.stringify(command)}; run darkroom --help`,
    );
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${entry.help}\n`);
    return EXIT.ok;
  }
  let redisTarget = 'the configured Redis';
  try {
    const config = parseCliConfig(io.env);
    redisTarget = config.redisTarget;
    return await entry.run({ argv: rest, io, out, config });
  } catch (err) {
    if (err instanceof UsageError) return fail(out, EXIT.usage, 'usage', err.message, err.issues);
    if (err instanceof ConfigError) {
      return fail(
        out,
        EXIT.usage,
        'config',
        `${err.message}; fix the environment variable${err.issues.length === 1 ? '' : 's'} named`,
      );
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
        EXIT.redisUnreachable,
        'redis_unavailable',
        `Redis is unreachable at ${redisTarget}: start Redis or set REDIS_URL`,
      );
    }
    return fail(out, EXIT.failed, 'error', redactSecrets(coerceError(err).message));
  }
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
