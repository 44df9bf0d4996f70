import type { CliIo } from './cli-io';
import { ReaderGone } from './reader-gone';

/**
 * Human text by default; with `--json`, exactly one JSON document on stdout (progress and
 * warnings still go to stderr, which scripts can ignore). Every write goes through here, so a
 * reader that leaves (`| head`) only ends the output, never the process with a stack trace.
 */
export class Output {
  private readonly stdout: ReaderGone;
  private readonly stderr: ReaderGone;

  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {
    this.stdout = new ReaderGone(io.stdout);
    this.stderr = new ReaderGone(io.stderr);
  }

  /** Prints `doc` as JSON in JSON mode, else the lines `human` renders from it. */
  result<T>(doc: T, human: (doc: T) => string[]): void {
    if (this.json) {
      this.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return;
    }
    for (const line of human(doc)) this.stdout.write(`${line}\n`);
  }

  /** A line on stderr: progress, warnings, errors. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  get stdoutIsTty(): boolean {
    return this.io.stdout.isTTY === true;
  }

  get stderrIsTty(): boolean {
    return this.io.stderr.isTTY === true;
  }

  /** Raw text on stdout (help, screen redraws in `watch`). */
  write(text: string): void {
    this.stdout.write(text);
  }

  /** Raw text on stderr (progress bars). */
  writeErr(text: string): void {
    this.stderr.write(text);
  }

  /** Aborts when the reader of stdout goes away: a command that keeps writing stops then. */
  get stdoutGone(): AbortSignal {
    return this.stdout.signal;
  }

  /** Whether stdout's reader left, and a failure of stdout that was not a reader leaving. */
  stdoutState(): { gone: boolean; error: Error | undefined } {
    return { gone: this.stdout.gone, error: this.stdout.error };
  }

  /** Where log lines go: stderr, dropped once its reader is gone. */
  get logStream(): { write(text: string): void } {
    return this.stderr;
  }
}
