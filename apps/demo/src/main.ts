import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { coerceError, EXIT_CODES, isConfigurationError } from '@darkroom/core';
import { runMainJob, uploadSamples, type EditOutcome } from './main-job';
import { runMainJobRecipes, type RunOutcome } from './main-job-recipes';
import { startLocalStack, type LocalStack, type StackLogs } from './local-stack';
import { startProducerProcess, type ProducerProcess } from './producer-process';
import { exampleRecipesAt } from '@darkroom/jobs';
import { quietAwsSdkNodeWarning } from '@darkroom/storage';
import { exportLines, stackEnvironment } from './stack-environment';

const USAGE = `darkroom demo: start the local stack and run Darkroom's main job: six edits, then
the two example recipes (product cards for two products, a banner in three languages)

  --keep        leave the stack running afterwards, with the HTTP producer, and print the
                environment another shell pastes to reach it (Ctrl-C stops it)
  --out DIR     where to copy the outputs (default: ./darkroom-output)
  --data DIR    where the local Redis and storage keep their files (default: ./.darkroom)
  --timeout S   give up on an edit or a recipe run after S seconds (default: 120)
  --verbose     also write the worker's and the producer's log lines (JSON) to stderr, at debug
  --log-json    write their log lines (JSON) to stderr, at LOG_LEVEL (default info)

Real parts replace the embedded ones by configuration alone: REDIS_URL; DARKROOM_STORAGE with
DEMO_INPUTS, DEMO_OUTPUTS and DEMO_SCRATCH (reference prefixes: samples, outputs, and the recipe
runs' intermediate files, which must lie apart from the other two); ADOBE_CLIENT_ID and
ADOBE_CLIENT_SECRET. PRODUCER_PORT fixes the port of the producer --keep starts (default: a free
one).`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** The demo's own lines, on stdout; a reader that left (`| head`) ends them, not the demo. */
function say(text = ''): void {
  if (!process.stdout.destroyed) process.stdout.write(`${text}\n`);
}

/** One finished edit or run: `[k/n] ok   <label> — 2.3 s`, then its files or why it failed. */
function line(
  outcome: { label: string; elapsedMs: number; files: { path: string; size: number }[] },
  failure: string | undefined,
  done: number,
  total: number,
): string {
  const mark = failure === undefined ? 'ok  ' : 'FAIL';
  const detail = failure ?? outcome.files.map((f) => `${f.path} (${kb(f.size)})`).join(', ');
  return `[${done}/${total}] ${mark} ${outcome.label} — ${seconds(outcome.elapsedMs)}\n        ${detail}`;
}

/** Why an edit failed; none when it completed. */
function editFailure(outcome: EditOutcome): string | undefined {
  const { state, failure } = outcome.status;
  if (state === 'completed') return undefined;
  return `${failure?.reason ?? state}: ${failure?.message ?? ''}`;
}

/** Why a run failed (the step, its reason and message) or that it did not end in time. */
function runFailure(outcome: RunOutcome, timeoutMs: number): string | undefined {
  const { state, failure, steps } = outcome.status;
  if (state === 'completed') return undefined;
  if (outcome.timedOut) {
    const where = steps.map((s) => `${s.name} ${s.state}`).join(', ');
    return `did not end within ${seconds(timeoutMs)} (${state}: ${where})`;
  }
  const step = failure?.step ? `step ${failure.step} failed: ` : '';
  return `${step}${failure?.reason ?? state}: ${failure?.message ?? ''}`;
}

/** Where the stack's log lines go: nowhere unless --verbose or --log-json asks for stderr. */
function logsFrom(flags: { verbose: boolean; 'log-json': boolean }): StackLogs {
  if (flags.verbose) return { level: 'debug', destination: process.stderr };
  if (flags['log-json'])
    return { level: process.env.LOG_LEVEL ?? 'info', destination: process.stderr };
  return { level: 'silent' };
}

function printStack(stack: LocalStack): void {
  say(`  Redis        ${stack.redis.url} (${stack.redis.origin})`);
  say(`  storage      ${stack.s3Endpoint ? `s3rver at ${stack.s3Endpoint}` : 'DARKROOM_STORAGE'}`);
  say(`  Photoshop    ${stack.emulator ? `emulator at ${stack.emulator.url}` : "Adobe's API"}`);
  say(`  worker       http://127.0.0.1:${stack.worker.port}/metrics`);
  say(
    `  dashboard    ${stack.dashboard.url} (user ${stack.dashboard.user}, password ${stack.dashboard.password})`,
  );
}

/** The environment block of a kept stack and a few commands that use it. */
function printKeptStack(stack: LocalStack, producer: ProducerProcess, recipes: string): void {
  const job = JSON.stringify({
    operation: 'v2.createComposite',
    input: `${stack.at.inputs}/poster.psd`,
    outputs: [{ ref: `${stack.at.outputs}/poster-api.png`, mediaType: 'image/png', width: 400 }],
  });
  say('\nThe stack keeps running (--keep); Ctrl-C stops it.');
  say(`  producer     ${producer.url} (bearer token in DARKROOM_PRODUCER_TOKEN below)`);
  say('\nIn another shell, from this directory, paste:\n');
  for (const text of exportLines(stackEnvironment(stack, producer, recipes))) say(text);
  say('\nthen, for example:');
  say('  ./darkroom doctor');
  say(
    `  ./darkroom enqueue --operation v2.createComposite --input ${stack.at.inputs}/poster.psd --output ${stack.at.outputs}/poster-cli.jpg:image/jpeg:800`,
  );
  say('  ./darkroom run product-cutout --param sku=bottle-001 --wait 120');
  say('  ./darkroom watch');
  say(
    `  curl -s -X POST "$DARKROOM_PRODUCER_URL/v1/edits" -H "Authorization: Bearer $DARKROOM_PRODUCER_TOKEN" -H 'Content-Type: application/json' -d '${job}'`,
  );
}

/** Resolves on Ctrl-C, SIGTERM, or the terminal closing. */
function untilStopped(): Promise<void> {
  return new Promise<void>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, done);
  });
}

/**
 * Uploads the samples, runs the edits, then the recipe runs, each line as it ends; returns
 * whether every edit and every run succeeded.
 */
async function runEverything(
  stack: LocalStack,
  outDir: string,
  timeoutMs: number,
): Promise<boolean> {
  await uploadSamples(stack.storage, stack.at);
  say(`\nRunning the main job: ${stack.at.inputs} → ${stack.at.outputs}`);
  const job = { edits: stack.edits, storage: stack.storage, at: stack.at, outDir, timeoutMs };
  const outcomes = await runMainJob({
    ...job,
    onFinished: (outcome, done, total) => say(line(outcome, editFailure(outcome), done, total)),
  });
  const failed = outcomes.filter((o) => editFailure(o) !== undefined);
  const files = outcomes.flatMap((o) => o.files);
  say(
    `\n${outcomes.length - failed.length} of ${outcomes.length} edits succeeded; ${files.length} files in ${outDir}`,
  );
  say(`\nRunning the example recipes (intermediate files under ${stack.scratch})`);
  const runs = await runMainJobRecipes({
    ...job,
    onFinished: (run, done, total) => say(line(run, runFailure(run, timeoutMs), done, total)),
  });
  const failedRuns = runs.filter((r) => runFailure(r, timeoutMs) !== undefined);
  const runFiles = runs.flatMap((r) => r.files);
  say(
    `\n${runs.length - failedRuns.length} of ${runs.length} recipe runs succeeded; ${runFiles.length} files in ${outDir}`,
  );
  return failed.length === 0 && failedRuns.length === 0;
}

/** Starts the producer beside the kept stack and prints the environment that reaches both. */
async function keepRunning(
  stack: LocalStack,
  logs: StackLogs,
  dataDir: string,
): Promise<ProducerProcess> {
  // The example recipes, moved to this run's folders, as the producer's named recipes.
  const recipes = join(dataDir, 'recipes.json');
  await writeFile(recipes, `${JSON.stringify(exampleRecipesAt(stack.at), null, 2)}\n`);
  const producer = await startProducerProcess({
    env: {
      REDIS_URL: stack.redis.url,
      DARKROOM_PREFIX: stack.edits.prefix,
      DARKROOM_QUEUE: stack.edits.queueName,
      DARKROOM_SCRATCH: stack.scratch,
      DARKROOM_RECIPES: recipes,
    },
    ...(process.env.PRODUCER_PORT ? { port: Number(process.env.PRODUCER_PORT) } : {}),
    logLevel: logs.level,
    ...(logs.destination ? { logs: logs.destination } : {}),
  });
  printKeptStack(stack, producer, recipes);
  return producer;
}

async function main(): Promise<number> {
  quietAwsSdkNodeWarning(process.env);
  // EPIPE on stdout arrives as an event; `say` stops writing once the stream is destroyed.
  process.stdout.on('error', () => undefined);
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      keep: { type: 'boolean', default: false },
      out: { type: 'string', default: 'darkroom-output' },
      data: { type: 'string', default: '.darkroom' },
      timeout: { type: 'string', default: '120' },
      verbose: { type: 'boolean', default: false },
      'log-json': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const logs = logsFrom(values);
  say('Starting the local stack…');
  const stack = await startLocalStack(process.env, resolve(values.data), logs);
  printStack(stack);
  let producer: ProducerProcess | undefined;
  try {
    const timeoutMs = Number(values.timeout) * 1000;
    const succeeded = await runEverything(stack, resolve(values.out), timeoutMs);
    if (values.keep) {
      producer = await keepRunning(stack, logs, resolve(values.data));
      await untilStopped();
    }
    return succeeded ? 0 : 1;
  } finally {
    await producer?.close();
    await stack.close();
  }
}

// The demo is a command, not a service, so it does not go through runUntilSignal: it ends by
// itself once the main job has run, and its exit code reports the job (0 when every edit and
// every recipe run succeeded, 1 otherwise), even when --keep leaves the stack up until Ctrl-C.
// It shares the other apps' exit codes for a start that fails: 2 for bad flags or
// configuration, 1 for anything else.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const error = coerceError(err);
    console.error(error.message);
    process.exit(isConfigurationError(error) ? EXIT_CODES.badConfiguration : EXIT_CODES.failed);
  },
);
