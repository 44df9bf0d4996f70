import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { CommandContext } from './command-context';
import { withEditService } from './edit-service';
import { ManifestInterruptedError, type ManifestSummary } from './enqueue-manifest';
import { EXIT } from './exit-codes';
import { CSV_COLUMNS, MANIFEST_FORMATS, manifestFormat, readManifest } from './manifest-reader';
import { generationOf, parseOutputFlag } from './output-flag';
import { parseCommandArgs } from './parse-command-args';
import { INTAKE_FLAGS, intakeFields } from './intake-flags';
import { PRIORITIES } from './priorities';
import { overHttpWhenSet } from './talks-to';
import { UsageError } from './usage-error';

export const ENQUEUE_HELP = `darkroom enqueue --operation <id> [--input <ref>] --output <ref>:<type>[:<width>]... [options]
darkroom enqueue --json '<job JSON>'      (or --json - to read the job from stdin)
darkroom enqueue --from <manifest.jsonl|manifest.csv|-> [--format jsonl|csv] [--chunk-size <n>]

One job from flags:
  --operation <id>          an operation of the catalog, e.g. v2.createComposite
  --input <ref>             s3://bucket/key, azure://account/container/blob or dropbox:/path
  --output <ref>:<type>[:<width>]   repeatable, e.g. s3://out/a.jpg:image/jpeg:1024 (the MIME
                                    type: mediaType of v2 operations, type of v1)
  --options '<JSON>'        operation options
  --priority <name|n>       ${Object.entries(PRIORITIES)
    .map(([name, n]) => `${name} (${n})`)
    .join(', ')}, or a number; 1 is the highest
  --account <name> --tenant <name> --idempotency-key <key> --deadline <ISO time>
  --callback <url>          where the signed edit.completed or edit.failed is POSTed

Many jobs from a manifest (every line validated on its own; bad lines are reported, not fatal):
  --from <file>             .jsonl: one job JSON per line; .csv: a header row naming some of
                            these columns, then one job with one output per row:
                            ${CSV_COLUMNS.join(',')}
  --from -                  the manifest on stdin: CSV when its first line is such a header,
                            JSONL when it is a JSON object
  --format <f>              ${MANIFEST_FORMATS.join(' or ')}, whatever the name or first line says
  --chunk-size <n>          jobs per enqueueMany call (default 500)

--json after the other options (without a job) prints one JSON document instead of text.
${overHttpWhenSet('POST /v1/edits; --from: a POST /v1/edits:batch per chunk')}
Over HTTP the producer's intake checks every job, with its own DARKROOM_LEGACY_API.
Exit code: 0; 2 for an invalid job or, with --from, when any line was rejected; 3 Redis (or the
producer) down.`;

/**
 * `--json` names a job when a JSON object or `-` follows it, else it asks for JSON output.
 * Rewrites the first form to `--job <value>` for parseArgs.
 */
function splitJsonFlag(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (
      arg === '--json' &&
      next !== undefined &&
      (next === '-' || next.trimStart().startsWith('{'))
    ) {
      out.push('--job', next);
      i += 1;
    } else if (arg.startsWith('--json=')) {
      out.push('--job', arg.slice('--json='.length));
    } else {
      out.push(arg);
    }
  }
  return out;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${what} is not valid JSON`, [
      { path: '', rule: 'invalid_json', message: `${what} is not valid JSON` },
    ]);
  }
}

/** Flags of `darkroom enqueue` besides the ones every command takes. */
const ENQUEUE_OPTIONS = {
  job: { type: 'string' },
  from: { type: 'string' },
  format: { type: 'string' },
  'chunk-size': { type: 'string' },
  operation: { type: 'string' },
  input: { type: 'string' },
  output: { type: 'string', multiple: true },
  options: { type: 'string' },
  ...INTAKE_FLAGS,
} as const;

type EnqueueFlags = ReturnType<typeof parseEnqueueArgs>;

/** The flags, once it is certain they name exactly one source of jobs. */
function parseEnqueueArgs(argv: string[]) {
  const { values, positionals } = parseCommandArgs('enqueue', splitJsonFlag(argv), ENQUEUE_OPTIONS);
  if (positionals.length > 0) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[0])}; see darkroom enqueue --help`,
    );
  }
  const sources = [
    values.job !== undefined,
    values.from !== undefined,
    values.operation !== undefined,
  ];
  if (sources.filter(Boolean).length !== 1) {
    throw new UsageError(
      'give exactly one of --operation (with --output), --json <job> or --from <manifest>',
    );
  }
  if (values.format !== undefined && values.from === undefined) {
    throw new UsageError('--format goes with --from <manifest>');
  }
  return values;
}

/**
 * The text of the manifest `--from` names: a file, or stdin for `-`; `example` shows how to pipe
 * one in.
 */
export async function readManifestText(
  ctx: CommandContext,
  from: string,
  example = 'cat jobs.csv | darkroom enqueue --from -',
): Promise<string> {
  if (from === '-') {
    const stdin = ctx.io.stdin;
    if (!stdin) throw new UsageError('--from - reads the manifest from stdin, but there is none');
    if (stdin.isTTY) {
      throw new UsageError(
        `--from - reads the manifest from stdin, which is a terminal: pipe one in (${example})`,
      );
    }
    return readAll(stdin);
  }
  try {
    return await readFile(resolve(ctx.io.cwd ?? process.cwd(), from), 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${from}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}

/** `--from`: every line of a manifest; exit 2 when any line was rejected. */
async function enqueueFromManifest(ctx: CommandContext, values: EnqueueFlags): Promise<number> {
  const from = values.from ?? '-';
  const chunkSize = Number(values['chunk-size'] ?? 500);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 10_000) {
    throw new UsageError('--chunk-size takes a number of jobs from 1 to 10000');
  }
  const text = await readManifestText(ctx, from);
  const name = from === '-' ? 'stdin' : from;
  const lines = readManifest(text, manifestFormat(name, text, values.format));
  const summary: ManifestSummary = await withEditService(ctx.config, async (edits) => {
    try {
      return await edits.enqueueManifest(name, lines, { chunkSize, out: ctx.out });
    } catch (err) {
      if (!(err instanceof ManifestInterruptedError)) throw err;
      ctx.out.note(
        `darkroom: ${err.summary.enqueued} jobs were enqueued, up to line ${err.lastLine}, before ${edits.name} became unreachable; ` +
          'running the manifest again adds lines with an idempotency_key only once',
      );
      throw err.cause;
    }
  });
  ctx.out.result(summary, manifestSummaryLines);
  return summary.rejected.length > 0 ? EXIT.usage : EXIT.ok;
}

/** The one job named by `--json` (inline or on stdin) or spelled out by the other flags. */
async function jobFromFlags(ctx: CommandContext, values: EnqueueFlags): Promise<unknown> {
  if (values.job !== undefined) {
    if (values.job !== '-') return parseJson(values.job, 'the --json job');
    if (!ctx.io.stdin) throw new UsageError('--json - reads the job from stdin, but there is none');
    return parseJson(await readAll(ctx.io.stdin), 'the job on stdin');
  }
  return {
    operation: values.operation,
    ...(values.input ? { input: values.input } : {}),
    outputs: (values.output ?? []).map((o) => parseOutputFlag(o, generationOf(values.operation))),
    ...(values.options ? { options: parseJson(values.options, '--options') } : {}),
    ...intakeFields(values),
    ...(values['idempotency-key'] ? { idempotencyKey: values['idempotency-key'] } : {}),
  };
}

/** `darkroom enqueue`: one job from flags or `--json`, or a manifest with `--from`. */
export async function enqueueCommand(ctx: CommandContext): Promise<number> {
  const values = parseEnqueueArgs(ctx.argv);
  if (values.from !== undefined) return enqueueFromManifest(ctx, values);
  const job = await jobFromFlags(ctx, values);
  const result = await withEditService(ctx.config, (edits) => edits.enqueue(job));
  ctx.out.result(result, (r) => [
    r.duplicate ? `${r.id} (already enqueued with this idempotency key)` : r.id,
  ]);
  return EXIT.ok;
}

/** A manifest's summary: its counts, then each rejected line with its reasons. */
export function manifestSummaryLines(s: ManifestSummary): string[] {
  const lines = [
    `${s.file}: ${s.lines} lines, ${s.enqueued} enqueued, ${s.duplicates} duplicates, ${s.rejected.length} rejected`,
  ];
  for (const r of s.rejected) {
    const reasons = r.issues
      .map((i) => `${i.path || '(job)'}: ${i.message} [${i.rule}]`)
      .join('; ');
    lines.push(`  line ${r.line}: ${reasons}`);
  }
  return lines;
}
