/**
 * The waits injected latency faults make a request sit through. Closing the emulator ends them
 * at once, so a slow fault never holds a shutdown for its full length.
 */
export class FaultDelays {
  private readonly waiting = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  /** Resolves after `ms`, or as soon as `wakeAll` is called. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.waiting.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.waiting.add(entry);
    });
  }

  /** Ends every pending wait now (the requests then carry on and meet a closing server). */
  wakeAll(): void {
    for (const entry of this.waiting) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.waiting.clear();
  }
}
