import { closeAll, type Cleanup } from '@darkroom/core';

/**
 * The resources a worker holds, released on close in the reverse of the order they were taken,
 * so nothing is released while a later resource that uses it is still open.
 *
 * A release that fails is ignored: the process is going away, nothing can use the resource any
 * more, and the releases after it must still run.
 */
export class Cleanups {
  private readonly pending: Cleanup[] = [];

  /** Registers a release; it runs before every release added earlier. */
  add(cleanup: Cleanup): void {
    this.pending.push(cleanup);
  }

  /** Runs every registered release once, last added first; never rejects. */
  async run(): Promise<void> {
    // Deliberately not reported, see the class comment; closeAll still runs every release.
    await closeAll(this.pending.splice(0).reverse()).catch(() => undefined);
  }
}
