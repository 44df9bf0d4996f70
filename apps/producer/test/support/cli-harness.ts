import { Readable, Writable } from 'node:stream';
import { runCli, type CliIo } from '../../src';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document. */
  json<T = Record<string, unknown>>(): T;
}

function collector(
  isTTY = false,
  onWrite?: (text: string) => void,
): Writable & { text: string; isTTY: boolean } {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      stream.text += chunk.toString();
      onWrite?.(stream.text);
      cb();
    },
  }) as Writable & { text: string; isTTY: boolean };
  stream.text = '';
  stream.isTTY = isTTY;
  return stream;
}

/** Runs `darkroom <argv>` in-process with captured streams and the given environment. */
export async function cli(
  argv: string[],
  env: Record<string, string | undefined>,
  options: {
    stdin?: string;
    cwd?: string;
    tty?: boolean;
    signal?: AbortSignal;
    /** Called with everything written to stdout so far, after each write. */
    onStdout?: (text: string) => void;
    /** Called with everything written to stderr so far, after each write. */
    onStderr?: (text: string) => void;
  } = {},
): Promise<CliRun> {
  const stdout = collector(options.tty, options.onStdout);
  const stderr = collector(options.tty, options.onStderr);
  const io: CliIo = {
    stdout,
    stderr,
    env,
    ...(options.stdin !== undefined ? { stdin: Readable.from([options.stdin]) } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await runCli(argv, io);
  return {
    code,
    stdout: stdout.text,
    stderr: stderr.text,
    json: <T>() => JSON.parse(stdout.text) as T,
  };
}
