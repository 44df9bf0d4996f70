/**
 * The step machine reads `Date.now()`, `setTimeout` and `Math.random()` directly (it takes no
 * clock), so tests run it on Jest's fake clock, frozen at `start` when each test begins, and pin
 * the random jitter of its delays to `random`.
 */
export interface FakeClock {
  /** Time passes without any timer firing: the length of a call in flight. */
  pass(ms: number): void;
  /** Time passes and due timers fire: an in-process wait of the step machine. */
  advance(ms: number): Promise<void>;
}

export function useFakeClock(start: number, random = 0.5): FakeClock {
  beforeEach(() => {
    // Only time is faked: promise plumbing keeps running as in production.
    jest.useFakeTimers({ now: start, doNotFake: ['nextTick', 'queueMicrotask'] });
    jest.spyOn(Math, 'random').mockReturnValue(random);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
  return {
    pass: (ms) => jest.setSystemTime(Date.now() + ms),
    advance: (ms) => jest.advanceTimersByTimeAsync(ms),
  };
}
