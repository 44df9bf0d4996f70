/** When a failed delivery is tried again, and when it is given up. */
export interface RetryPolicy {
  /** Delay before the second attempt; each later one doubles it. @defaultValue 5000 */
  baseDelayMs: number;
  /** The longest delay between two attempts. @defaultValue 1 hour */
  maxDelayMs: number;
  /**
   * Up to this fraction of each delay is taken off at random, so deliveries that failed together
   * (an application that was down) do not all come back at once. @defaultValue 0.2
   */
  jitter: number;
  /** Give up when the next attempt would start later than this after the first. @defaultValue 24 h */
  maxAgeMs: number;
  /** Give up after this many attempts. @defaultValue no limit but `maxAgeMs` */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 5_000,
  maxDelayMs: 60 * 60 * 1000,
  jitter: 0.2,
  maxAgeMs: 24 * 60 * 60 * 1000,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/** The delay after failed attempt number `attempt` (1 for the first). */
export function retryDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.max(0, Math.round(exponential * (1 - policy.jitter * random())));
}

/**
 * When the next attempt starts after failed attempt `attempt`, or undefined when the delivery is
 * given up: attempts are used up, or the next one would start after `maxAgeMs` has passed since
 * `since` (the first attempt, or the last redelivery).
 */
export function nextAttemptAt(
  attempt: number,
  since: number,
  now: number,
  policy: RetryPolicy,
  random = Math.random,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const at = now + retryDelay(attempt, policy, random);
  return at - since > policy.maxAgeMs ? undefined : at;
}

/** The policy with the given overrides, each checked. */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  for (const name of ['baseDelayMs', 'maxDelayMs', 'maxAgeMs'] as const) {
    if (!(policy[name] >= 0)) throw new RangeError(`${name} must be a number of milliseconds ≥ 0`);
  }
  if (!(policy.jitter >= 0 && policy.jitter <= 1))
    throw new RangeError('jitter must be from 0 to 1');
  if (!(policy.maxAttempts >= 1)) throw new RangeError('maxAttempts must be at least 1');
  return policy;
}
