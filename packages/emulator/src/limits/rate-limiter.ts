import { type RateWindow } from '../config/options';

/** The answer for one request: allowed, or refused with how long until a slot frees up. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Sliding-window request log per key (client id + budget). A request is admitted only when
 * every window has room; admitted requests are recorded in all windows, refused ones in none
 * (Adobe's gateway does not charge a 429 against the budget).
 */
export class SlidingWindowLimiter {
  private readonly logs = new Map<string, number[]>();
  private readonly longestMs: number;

  constructor(private readonly windows: readonly RateWindow[]) {
    this.longestMs = Math.max(0, ...windows.map((w) => w.windowMs));
  }

  take(key: string, now = Date.now()): RateDecision {
    if (this.windows.length === 0 || this.longestMs <= 0) return { allowed: true };
    let log = this.logs.get(key);
    if (!log) {
      log = [];
      this.logs.set(key, log);
    }
    // Drop what no window can see any more; the log is in time order.
    let stale = 0;
    while (stale < log.length && (log[stale] ?? 0) <= now - this.longestMs) stale += 1;
    if (stale > 0) log.splice(0, stale);

    let retryAfterMs = 0;
    for (const window of this.windows) {
      if (window.windowMs <= 0) continue;
      const since = now - window.windowMs;
      // Count entries inside this window from the end (newest first).
      let inside = 0;
      let index = log.length - 1;
      while (index >= 0 && (log[index] ?? 0) > since) {
        inside += 1;
        index -= 1;
      }
      if (inside >= window.limit) {
        // The slot frees when the oldest request that still counts leaves the window.
        const oldestCounted = log[log.length - window.limit] ?? now;
        retryAfterMs = Math.max(retryAfterMs, oldestCounted + window.windowMs - now);
      }
    }
    if (retryAfterMs > 0) return { allowed: false, retryAfterMs: Math.max(1, retryAfterMs) };
    log.push(now);
    return { allowed: true };
  }

  reset(): void {
    this.logs.clear();
  }
}
