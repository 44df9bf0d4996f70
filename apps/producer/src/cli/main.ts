import { coerceError } from '@darkroom/core';
import { runCli } from './run-cli';

// The launcher's entry: real process streams, Ctrl-C ends `watch`, the exit code is the answer.
const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort();
});

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`darkroom: ${coerceError(err).message}\n`);
    process.exitCode = 1;
  },
);
