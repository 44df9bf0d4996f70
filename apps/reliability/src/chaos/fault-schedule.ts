import type { Emulator, FaultConfig } from '@darkroom/emulator';

const BURST_EVERY_MS = 3_000;

/** Throttle bursts: every few seconds the emulator answers the next requests with 429s. */
export interface FaultSchedule {
  /** Starts a burst when the last one is long enough ago. */
  tick(now: number): void;
  bursts(): number;
}

/**
 * Every 3 s, the base faults plus a burst of ten 429s (Retry-After 200 ms) over all routes,
 * each burst with its own seed so the injected errors differ from one burst to the next.
 */
export function createFaultSchedule(
  emulator: Emulator,
  baseFaults: FaultConfig,
  seed: number,
): FaultSchedule {
  let bursts = 0;
  let lastBurst = Date.now();
  return {
    tick(now) {
      if (now - lastBurst <= BURST_EVERY_MS) return;
      lastBurst = now;
      bursts += 1;
      emulator.setFaults({
        ...baseFaults,
        seed: seed + bursts,
        throttle: { nextRequests: 10, retryAfterMs: 200, scope: 'all' },
      });
    },
    bursts: () => bursts,
  };
}
