import type { CliIo } from './cli-io';

/**
 * Human text by default; with `--json`, exactly one JSON document on stdout (progress and
 * warnings still go to stderr, which scripts can ignore).
 */
export class Output {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** Prints `doc` as JSON in JSON mode, else the lines `human` renders from it. */
  result<T>(doc: T, human: (doc: T) => string[]): void {
    if (this.json) {
      this.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return;
    }
    for (const line of human(doc)) this.io.stdout.write(`${line}\n`);
  }

  /** A line on stderr: progress, warnings, errors. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  get stdoutIsTty(): boolean {
    return this.io.stdout.isTTY === true;
  }

  get stderrIsTty(): boolean {
    return this.io.stderr.isTTY === true;
  }

  /** Raw text on stdout (screen redraws in `watch`). */
  write(text: string): void {
    this.io.stdout.write(text);
  }

  /** Raw text on stderr (progress bars). */
  writeErr(text: string): void {
    this.io.stderr.write(text);
  }
}
