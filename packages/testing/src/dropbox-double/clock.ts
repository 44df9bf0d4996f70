/** The double's own time: a test moves it forward to expire links and tokens without waiting. */
export interface DoubleClock {
  /** Milliseconds since the epoch, as the double sees them. */
  now(): number;
  advance(seconds: number): void;
}

/** A clock that starts at the real time and only moves ahead of it. */
export function createDoubleClock(): DoubleClock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance: (seconds) => {
      offsetMs += seconds * 1000;
    },
  };
}
