import type { Output } from './output';

export interface Progress {
  done: number;
  total: number;
  enqueued: number;
  duplicates: number;
  rejected: number;
}

/**
 * A progress bar redrawn in place on a terminal; elsewhere (CI logs, pipes) a plain line at most
 * every `everyMs`, so logs stay short.
 */
export class ProgressReporter {
  private lastLine = 0;
  private lastDone = -1;
  private drawn = false;

  constructor(
    private readonly out: Output,
    private readonly everyMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  update(p: Progress): void {
    if (p.done === this.lastDone) return;
    this.lastDone = p.done;
    if (this.out.stderrIsTty) {
      const width = 30;
      const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
      this.out.writeErr(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} lines, ${p.enqueued} enqueued, ${p.duplicates} duplicates, ${p.rejected} rejected`,
      );
      this.drawn = true;
      return;
    }
    const t = this.now();
    if (t - this.lastLine < this.everyMs && p.done < p.total) {
      this.lastDone = -1;
      return;
    }
    this.lastLine = t;
    this.out.note(
      `progress: ${p.done}/${p.total} lines, ${p.enqueued} enqueued, ${p.duplicates} duplicates, ${p.rejected} rejected`,
    );
  }

  /** Ends the bar's line so what follows starts on a fresh one. */
  finish(): void {
    if (this.drawn) this.out.writeErr('\n');
  }
}
