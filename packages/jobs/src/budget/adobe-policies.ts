import { adobeRateLimits, rateLimitClasses } from '@darkroom/photoshop';
import { BudgetInputError } from './budget-errors';
import type { BudgetPolicies, BudgetWindow } from './budget-policy';

export interface AdobeDefaultPoliciesOptions {
  /**
   * Share of each of Adobe's soft limits Darkroom leaves unused, rounded to whole requests, so
   * that other clients of the same credential (a console test, a second deployment) and clock
   * differences between Darkroom and Adobe do not tip the organisation into 429s.
   * @defaultValue 0.034 (submit 14 per 3 s and 290 per minute, status 290 per 3 s)
   */
  headroom?: number;
}

/**
 * Budgets just under Adobe's soft limits (`adobeRateLimits` in `@darkroom/photoshop`), one class
 * per kind of call: `submit`, `status`, `submit-cutout`, `status-cutout`, `submit-mask`. Soft
 * limits are aimed at rather than hard ones: the gap between them absorbs the time a request
 * spends in flight between the grant and Adobe's count.
 * Whether a cut-out or mask submit also counts against the general `submit` limits is not
 * documented; a caller that wants to be safe takes a token from both classes.
 * @see https://developer.adobe.com/firefly-services/docs/photoshop/getting_started/technical_usage_notes
 */
export function adobeDefaultPolicies(options: AdobeDefaultPoliciesOptions = {}): BudgetPolicies {
  const headroom = options.headroom ?? 0.034;
  if (!Number.isFinite(headroom) || headroom < 0 || headroom >= 1) {
    throw new BudgetInputError(
      'headroom',
      'must be a number from 0 (inclusive) to 1 (exclusive)',
      String(headroom),
    );
  }
  const policies: BudgetPolicies = {};
  for (const cls of rateLimitClasses) {
    policies[cls] = {
      windows: adobeRateLimits[cls].soft.map(({ limit, windowMs }) => ({
        // Rounding rather than flooring keeps tiny limits whole: 2 per 3 s stays 2, not 1.
        limit: Math.max(1, limit - Math.round(limit * headroom)),
        windowMs,
      })),
    };
  }
  return policies;
}

/**
 * The same policies with every window multiplied by `timeFactor` and the limits unchanged, the
 * convention of the emulator's `timeFactor` with `scaleRateLimits` (0.1: 15 per 3 s becomes 15 per
 * 300 ms). Pass the emulator's factor as is; windows never shrink below 1 ms.
 */
export function scalePolicies(policies: BudgetPolicies, timeFactor: number): BudgetPolicies {
  if (!Number.isFinite(timeFactor) || timeFactor <= 0) {
    throw new BudgetInputError('timeFactor', 'must be a finite number above 0', String(timeFactor));
  }
  const scaled: BudgetPolicies = {};
  for (const [cls, policy] of Object.entries(policies)) {
    scaled[cls] = {
      windows: policy.windows.map(({ limit, windowMs }) => ({
        limit,
        windowMs: Math.max(1, Math.round(windowMs * timeFactor)),
      })),
    };
  }
  return scaled;
}

/**
 * Adds to each class a sub-window of its shortest window (a quarter of it, or a half for limits
 * under 8) holding the same share of its limit, rounded up, so a class cannot spend a whole
 * window's budget in one burst. Adobe counts a request when it arrives, a little after Darkroom
 * grants it; a burst at the start of one window followed by one at the start of the next can reach
 * Adobe closer together than they were granted and tip its window over the limit. Spread grants
 * leave that jitter little room. Throughput is unchanged: the sub-windows of one window still allow
 * at least its whole limit.
 */
export function smoothPolicies(policies: BudgetPolicies): BudgetPolicies {
  const smoothed: BudgetPolicies = {};
  for (const [cls, policy] of Object.entries(policies)) {
    const shortest = policy.windows.reduce<BudgetWindow | undefined>(
      (min, w) => (!min || w.windowMs < min.windowMs ? w : min),
      undefined,
    );
    const parts = shortest && shortest.limit >= 8 ? 4 : 2;
    const sub = shortest && {
      limit: Math.ceil(shortest.limit / parts),
      windowMs: Math.round(shortest.windowMs / parts),
    };
    // Windows too short to split (a budget scaled out of the way) stay as they are.
    const fits =
      sub && shortest.limit >= 2 && sub.windowMs >= 1 && sub.windowMs < shortest.windowMs;
    smoothed[cls] = { windows: fits ? [...policy.windows, sub] : [...policy.windows] };
  }
  return smoothed;
}
