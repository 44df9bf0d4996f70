import type { Readable, Writable } from 'node:stream';

/** A stream the CLI writes to; `isTTY` switches on progress bars and screen redraws. */
export type CliOutput = Writable & { isTTY?: boolean; columns?: number };

/** Everything `runCli` touches of the outside world, so tests run it in-process. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  env: Record<string, string | undefined>;
  /**
   * Read by `enqueue --json -` and `enqueue --from -`; one that is a terminal is refused.
   * @defaultValue none: `-` is then a usage error
   */
  stdin?: Readable & { isTTY?: boolean };
  /** Ends `watch` (the launcher aborts it on Ctrl-C). */
  signal?: AbortSignal;
  /** Working directory that relative paths (`--from`) resolve against. @defaultValue process.cwd() */
  cwd?: string;
}
