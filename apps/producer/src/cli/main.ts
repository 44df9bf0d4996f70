import { coerceError } from '@darkroom/core';
import { startTracing, TracingConfigError, type Tracing } from '@darkroom/tracing';
import { EXIT } from './exit-codes';
import { runCli } from './run-cli';
import { quietAwsSdkNodeWarning } from '@darkroom/storage';

// The launcher's entry: real process streams, Ctrl-C ends `watch`, the exit code is the answer.
quietAwsSdkNodeWarning(process.env);
const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort();
});

// A reader that leaves after the last write (`darkroom status <id> | head -1`) makes that write
// fail with EPIPE once the command has returned; it must not turn into a crash with a stack trace.
// Any other failure of the streams (EIO, a full disk) still makes the exit code 1.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.exitCode = EXIT.failed;
  });
}

async function main(): Promise<number> {
  let tracing: Tracing;
  try {
    // An edit enqueued here starts its trace here, when the OTEL_* variables turn tracing on.
    tracing = startTracing({ serviceName: 'darkroom-cli' });
  } catch (err) {
    if (!(err instanceof TracingConfigError)) throw err;
    process.stderr.write(`darkroom: ${err.message}\n`);
    return EXIT.usage;
  }
  try {
    return await runCli(process.argv.slice(2), {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      stdin: process.stdin,
      signal: controller.signal,
    });
  } finally {
    // Exports the spans still queued before the process ends.
    await tracing.shutdown();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`darkroom: ${coerceError(err).message}\n`);
    process.exitCode = EXIT.failed;
  },
);
