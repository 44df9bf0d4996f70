import { DEFAULT_RETRY_POLICY, retryDelay } from '../src';
import { nextAttemptAt, retryPolicy } from '../src/delivery/retry-policy';

describe('retryDelay and nextAttemptAt', () => {
  const policy = retryPolicy({ jitter: 0.2 });

  it('doubles from 5 s up to the 1 h cap, less up to 20 % of jitter', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({
      baseDelayMs: 5_000,
      maxDelayMs: 3_600_000,
      maxAgeMs: 86_400_000,
    });
    expect([1, 2, 3, 4].map((n) => retryDelay(n, policy, () => 0))).toEqual([
      5_000, 10_000, 20_000, 40_000,
    ]);
    expect(retryDelay(20, policy, () => 0)).toBe(3_600_000);
    expect(retryDelay(1, policy, () => 1)).toBe(4_000);
    expect(retryDelay(20, policy, () => 0.5)).toBe(3_240_000);
  });

  it('gives up after maxAttempts, or when the next attempt would fall outside maxAgeMs', () => {
    const limited = retryPolicy({ maxAttempts: 3, jitter: 0 });
    expect(nextAttemptAt(2, 0, 1_000, limited)).toBe(11_000);
    expect(nextAttemptAt(3, 0, 1_000, limited)).toBeUndefined();
    const day = 86_400_000;
    expect(nextAttemptAt(30, 0, day - 3_600_000, retryPolicy({ jitter: 0 }))).toBe(day);
    expect(nextAttemptAt(30, 0, day - 3_599_999, retryPolicy({ jitter: 0 }))).toBeUndefined();
  });

  it('refuses settings that make no sense', () => {
    expect(() => retryPolicy({ jitter: 2 })).toThrow('jitter must be from 0 to 1');
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow('maxAttempts must be at least 1');
    expect(() => retryPolicy({ baseDelayMs: -1 })).toThrow('baseDelayMs');
  });
});
