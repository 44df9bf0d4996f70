import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { coerceError, EXIT_CODES, isConfigurationError } from '@darkroom/core';
import { runMainJob, uploadSamples, type EditOutcome } from './main-job';
import { startLocalStack } from './local-stack';

const USAGE = `darkroom demo: start the local stack and run Darkroom's main job

  --keep        leave the stack running afterwards (Ctrl-C stops it)
  --out DIR     where to copy the outputs (default: ./darkroom-output)
  --data DIR    where the local Redis and storage keep their files (default: ./.darkroom)
  --timeout S   give up on a job after S seconds (default: 120)

Real parts replace the embedded ones by configuration alone: REDIS_URL; DARKROOM_STORAGE with
DEMO_INPUTS and DEMO_OUTPUTS; ADOBE_CLIENT_ID and ADOBE_CLIENT_SECRET.`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function line(outcome: EditOutcome, done: number, total: number): string {
  const mark = outcome.status.state === 'completed' ? 'ok  ' : 'FAIL';
  const detail =
    outcome.status.state === 'completed'
      ? outcome.files.map((f) => `${f.path} (${kb(f.size)})`).join(', ')
      : `${outcome.status.failure?.reason ?? outcome.status.state}: ${outcome.status.failure?.message ?? ''}`;
  return `[${done}/${total}] ${mark} ${outcome.label} — ${seconds(outcome.elapsedMs)}\n        ${detail}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      keep: { type: 'boolean', default: false },
      out: { type: 'string', default: 'darkroom-output' },
      data: { type: 'string', default: '.darkroom' },
      timeout: { type: 'string', default: '120' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const outDir = resolve(values.out);
  console.log('Starting the local stack…');
  const stack = await startLocalStack(process.env, resolve(values.data));
  console.log(`  Redis        ${stack.redis.url} (${stack.redis.origin})`);
  console.log(
    `  storage      ${stack.s3Endpoint ? `s3rver at ${stack.s3Endpoint}` : 'DARKROOM_STORAGE'}`,
  );
  console.log(
    `  Photoshop    ${stack.emulator ? `emulator at ${stack.emulator.url}` : "Adobe's API"}`,
  );
  console.log(`  worker       http://127.0.0.1:${stack.worker.port}/metrics`);
  console.log(
    `  dashboard    ${stack.dashboard.url} (user ${stack.dashboard.user}, password ${stack.dashboard.password})`,
  );
  let exitCode = 1;
  try {
    await uploadSamples(stack.storage, stack.at);
    console.log(`\nRunning the main job: ${stack.at.inputs} → ${stack.at.outputs}`);
    const outcomes = await runMainJob({
      edits: stack.edits,
      storage: stack.storage,
      at: stack.at,
      outDir,
      timeoutMs: Number(values.timeout) * 1000,
      onFinished: (outcome, done, total) => console.log(line(outcome, done, total)),
    });
    const failed = outcomes.filter((o) => o.status.state !== 'completed');
    const files = outcomes.flatMap((o) => o.files);
    console.log(
      `\n${outcomes.length - failed.length} of ${outcomes.length} edits succeeded; ${files.length} files in ${outDir}`,
    );
    exitCode = failed.length === 0 ? 0 : 1;
    if (values.keep) {
      console.log(
        '\nThe stack keeps running (--keep). Enqueue more with the producer or the CLI; Ctrl-C stops it.',
      );
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
    }
  } finally {
    await stack.close();
  }
  return exitCode;
}

// The demo is a command, not a service, so it does not go through runUntilSignal: it ends by
// itself once the main job has run, and its exit code reports the job (0 when every edit
// succeeded, 1 otherwise), even when --keep leaves the stack up until Ctrl-C. It shares the other
// apps' exit codes for a start that fails: 2 for bad flags or configuration, 1 for anything else.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const error = coerceError(err);
    console.error(error.message);
    process.exit(isConfigurationError(error) ? EXIT_CODES.badConfiguration : EXIT_CODES.failed);
  },
);
