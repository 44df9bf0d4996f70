import type { CliOutput } from './cli-io';

/**
 * Notices that the reader of an output stream went away: `darkroom watch | head -3` closes the
 * pipe after three lines, and the next write fails with EPIPE (Node ignores SIGPIPE, so the
 * failure arrives as an `error` event, which would otherwise crash the process with a stack
 * trace). From then on writes are dropped and `signal` aborts, so a command that would go on
 * writing (`watch`, `status --wait`) stops; the CLI then exits 0, quietly, as `yes | head` does.
 */
export class ReaderGone {
  private readonly controller = new AbortController();
  private failure: Error | undefined;
  private readonly onError = (err: NodeJS.ErrnoException): void => {
    // EPIPE is the reader leaving; anything else (EIO, ENOSPC) is a real failure to report.
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') this.failure ??= err;
    this.controller.abort();
  };

  constructor(private readonly stream: CliOutput) {
    stream.on('error', this.onError);
  }

  /** True once a write has failed: nothing more reaches the stream. */
  get gone(): boolean {
    return this.controller.signal.aborted || this.stream.destroyed;
  }

  /** Aborts when the reader goes away. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** A failure other than the reader leaving, if one happened. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Writes unless the reader is gone. */
  write(text: string): void {
    if (!this.gone) this.stream.write(text);
  }
}
