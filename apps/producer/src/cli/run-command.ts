import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DarkroomApiError } from '@darkroom/client';
import { IdempotencyConflictError, RecipeValidationError, type JobIssue } from '@darkroom/jobs';
import type { CommandContext } from './command-context';
import {
  withEditService,
  type EditService,
  type RecipeChoice,
  type RunRequest,
} from './edit-service';
import type { ManifestSummary } from './enqueue-manifest';
import { manifestSummaryLines, readManifestText } from './enqueue-command';
import { EXIT } from './exit-codes';
import { readManifest, type ManifestLine } from './manifest-reader';
import { parseCommandArgs, parseWaitFlag } from './parse-command-args';
import { INTAKE_FLAGS, intakeFields } from './intake-flags';
import { PRIORITIES, priorityCell } from './priorities';
import { ProgressReporter } from './progress-reporter';
import { runStatusLines } from './run-status-text';
import { shownExitCode } from './status-command';
import { overHttpWhenSet } from './talks-to';
import { isUnreachable } from './unreachable';
import { UsageError } from './usage-error';

/** Keys of a `--from` line that are its run's own settings rather than parameter values. */
const LINE_RUN_FIELDS = ['idempotencyKey', 'tenant', 'priority'] as const;

/**
 * Runs enqueued at once with `--from`: each is a bind and a Redis add (or a request to the
 * producer), so a few in flight hide the round trips without flooding either.
 */
const RUNS_IN_FLIGHT = 16;

export const RUN_HELP = `darkroom run <recipe> [--param <name>=<value>]... [options] [--wait <seconds>]
darkroom run <recipe> --from <params.jsonl|-> [--param <name>=<value>]... [options]

Runs a recipe: named steps, each an edit, that may read earlier steps' outputs.
  <recipe>                  a recipe's name from DARKROOM_RECIPES (over HTTP, the producer's),
                            or the path of a recipe JSON file (ending in .json, or holding a /)
  --param <name>=<value>    a parameter's value; repeatable
  --account <name> --tenant <name>
  --priority <name|n>       ${Object.entries(PRIORITIES)
    .map(([name, n]) => `${name} (${n})`)
    .join(', ')}, or a number; 1 is the highest
  --idempotency-key <key>   the same key with the same recipe and values gives the same run
  --deadline <ISO time>     the run ends deadline_exceeded if it has not completed by then; each
                            step's edit has it too
  --callback <url>          where the signed run.completed or run.failed is POSTed
  --wait <seconds>          wait up to this long for the run to end, then print it

Many runs from a file of parameter values (every line checked on its own; bad lines are
reported, not fatal):
  --from <file>             JSON lines, each an object of parameter values; its
                            ${LINE_RUN_FIELDS.join(', ')} are that run's own (give a recipe
                            parameter of one of these names with --param); --param, --account,
                            --tenant, --priority, --deadline and --callback apply to every line
  --from -                  the lines on stdin

--json prints one JSON document instead of text.
${overHttpWhenSet('POST /v1/recipes/{name}/runs, or POST /v1/runs for a recipe file; --wait: GET /v1/runs/{id}')}
Exit code: 0; 1 when the run failed (--wait); 2 for an invalid run, an unknown recipe or, with
--from, when any line was rejected; 3 Redis (or the producer) down; ${EXIT.waitTimedOut} when --wait ended first.`;

/** Flags of `darkroom run` besides the ones every command takes. */
const RUN_OPTIONS = {
  param: { type: 'string', multiple: true },
  from: { type: 'string' },
  ...INTAKE_FLAGS,
  wait: { type: 'string' },
} as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `--param sku=A1 --param size=xl`: a value may hold `=`; a name may be given once. */
export function parseParamFlags(flags: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const flag of flags) {
    const at = flag.indexOf('=');
    const name = at > 0 ? flag.slice(0, at) : '';
    const problem =
      name === ''
        ? `--param takes <name>=<value>, such as --param sku=A1; got ${JSON.stringify(flag)}`
        : Object.hasOwn(params, name)
          ? `--param ${name} is given twice; give each parameter once`
          : undefined;
    if (problem) {
      throw new UsageError(problem, [{ path: '--param', rule: 'param_flag', message: problem }]);
    }
    params[name] = flag.slice(at + 1);
  }
  return params;
}

/** A recipe argument that is a file: it ends in `.json` or holds a path separator. */
const isRecipeFile = (arg: string): boolean => /\.json$/i.test(arg) || /[\\/]/.test(arg);

/** `<recipe>`: a name the deployment has, or a recipe JSON file read here (relative to cwd). */
async function recipeChoice(ctx: CommandContext, arg: string): Promise<RecipeChoice> {
  if (!isRecipeFile(arg)) return { name: arg };
  let text: string;
  try {
    text = await readFile(resolve(ctx.io.cwd ?? process.cwd(), arg), 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read the recipe ${arg}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  try {
    return { recipe: JSON.parse(text) as unknown };
  } catch {
    throw new UsageError(`the recipe ${arg} is not valid JSON`);
  }
}

/**
 * One `--from` line as a run: its parameter values over the flags', and its own tenant, priority
 * and idempotency key. Values are passed as they are: intake checks them and names what is wrong.
 */
function lineRun(job: unknown, defaults: RunRequest): RunRequest | JobIssue[] {
  if (!isObject(job)) {
    return [
      {
        path: '',
        rule: 'invalid_type',
        message: 'each line must be a JSON object of parameter values',
      },
    ];
  }
  const { idempotencyKey, tenant, priority, ...params } = job;
  return {
    ...defaults,
    params: { ...defaults.params, ...(params as RunRequest['params']) },
    ...(tenant !== undefined ? { tenant: tenant as string } : {}),
    ...(priority !== undefined
      ? { priority: (typeof priority === 'string' ? priorityCell(priority) : priority) as number }
      : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey: idempotencyKey as string } : {}),
  };
}

/** The issues of a line intake refused, or undefined for a failure that is not the line's. */
function lineRefusal(err: unknown): JobIssue[] | undefined {
  if (err instanceof RecipeValidationError) return err.issues;
  const conflict =
    err instanceof IdempotencyConflictError
      ? err.message
      : err instanceof DarkroomApiError && err.code === 'idempotency_conflict'
        ? err.problem.detail
        : undefined;
  return conflict === undefined
    ? undefined
    : [{ path: 'idempotencyKey', rule: 'idempotency_conflict', message: conflict }];
}

/**
 * `--from`: one run per line, up to {@link RUNS_IN_FLIGHT} at once; every line is reported (a bad
 * one with its number and issues) and the summary is that of `enqueue --from`. Exit 2 when any
 * line was rejected.
 */
async function runMany(
  ctx: CommandContext,
  choice: RecipeChoice,
  defaults: RunRequest,
  from: string,
): Promise<number> {
  const text = await readManifestText(
    ctx,
    from,
    'cat params.jsonl | darkroom run <recipe> --from -',
  );
  const lines: ManifestLine[] = readManifest(text, 'jsonl');
  const summary: ManifestSummary = {
    file: from === '-' ? 'stdin' : from,
    lines: lines.length,
    enqueued: 0,
    duplicates: 0,
    rejected: [],
  };
  const progress = new ProgressReporter(ctx.out);
  const report = (): void =>
    progress.update({
      done: summary.enqueued + summary.duplicates + summary.rejected.length,
      total: lines.length,
      enqueued: summary.enqueued,
      duplicates: summary.duplicates,
      rejected: summary.rejected.length,
    });
  const runLine = async (service: EditService, entry: ManifestLine): Promise<void> => {
    const run = 'issue' in entry ? [entry.issue] : lineRun(entry.job, defaults);
    if (Array.isArray(run)) {
      summary.rejected.push({ line: entry.line, issues: run });
      return;
    }
    try {
      const result = await service.runRecipe(choice, run);
      if (result.duplicate) summary.duplicates += 1;
      else summary.enqueued += 1;
    } catch (err) {
      const issues = lineRefusal(err);
      if (!issues) throw err;
      summary.rejected.push({ line: entry.line, issues });
    }
  };
  await withEditService(ctx.config, async (service) => {
    let next = 0;
    let failure: { err: unknown } | undefined;
    const worker = async (): Promise<void> => {
      while (failure === undefined && !ctx.io.signal?.aborted) {
        const entry = lines[next++];
        if (!entry) return;
        try {
          await runLine(service, entry);
          report();
        } catch (err) {
          failure ??= { err };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(RUNS_IN_FLIGHT, lines.length) }, worker));
    if (failure) {
      if (isUnreachable(failure.err)) {
        ctx.out.note(
          `darkroom: ${summary.enqueued} runs were enqueued before ${service.name} became unreachable; ` +
            'running the file again adds lines with an idempotencyKey only once',
        );
      }
      throw failure.err;
    }
  });
  progress.finish();
  summary.rejected.sort((a, b) => a.line - b.line);
  ctx.out.result(summary, manifestSummaryLines);
  return summary.rejected.length > 0 ? EXIT.usage : EXIT.ok;
}

/** `darkroom run <recipe>`: one run from flags, or one per line of a `--from` file. */
export async function runCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('run', ctx.argv, RUN_OPTIONS);
  const [arg, ...extra] = positionals;
  if (arg === undefined || extra.length > 0) {
    throw new UsageError(
      'darkroom run takes exactly one recipe: its name, or the path of a recipe JSON file',
    );
  }
  const params = parseParamFlags(values.param ?? []);
  const waitMs = parseWaitFlag(values.wait);
  const defaults: RunRequest = { params, ...intakeFields(values) };
  if (values.from !== undefined) {
    if (values['idempotency-key'] !== undefined) {
      throw new UsageError(
        '--idempotency-key names one run: with --from, give each line its own idempotencyKey',
      );
    }
    if (values.wait !== undefined) {
      throw new UsageError('--wait follows one run: darkroom status <run-id> --wait follows each');
    }
    return runMany(ctx, await recipeChoice(ctx, arg), defaults, values.from);
  }
  const choice = await recipeChoice(ctx, arg);
  const run: RunRequest = {
    ...defaults,
    ...(values['idempotency-key'] !== undefined
      ? { idempotencyKey: values['idempotency-key'] }
      : {}),
  };
  return withEditService(ctx.config, async (service) => {
    const result = await service.runRecipe(choice, run);
    if (waitMs === 0) {
      ctx.out.result(result, (r) => [
        r.duplicate ? `${r.id} (already enqueued with this idempotency key)` : r.id,
      ]);
      return EXIT.ok;
    }
    const shown = await service.showRun(result.id, {
      waitMs,
      ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
    });
    if (!shown) throw service.notFound(result.id);
    ctx.out.result(shown, runStatusLines);
    return shownExitCode(ctx, shown, waitMs, values.wait);
  });
}
