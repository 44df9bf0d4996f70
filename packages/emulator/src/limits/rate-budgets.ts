import { type RateLimitClass, rateLimitClasses } from '@darkroom/photoshop';
import { type RateWindow, type ResolvedOptions } from '../config/options';
import { SlidingWindowLimiter } from './rate-limiter';

/** Whose budget a call is charged to: its client's organization, else the client alone. */
export interface BudgetOwner {
  clientId: string;
  orgId?: string;
}

/**
 * Adobe's limits apply to the whole organization, so clients of one org share its windows; a
 * client configured without an org has windows of its own. The prefixes keep an org id and a
 * client id that happen to be spelled alike apart.
 */
export function budgetKey(owner: BudgetOwner): string {
  return owner.orgId === undefined ? `client:${owner.clientId}` : `org:${owner.orgId}`;
}

/**
 * Adobe's rate limits: one sliding-window limiter per class of call (the classes the operation
 * catalog names), each keyed by organization (see {@link budgetKey}). With `limits: false` every
 * call is allowed.
 */
export class RateBudgets {
  /**
   * Sped-up runs (0 < timeFactor < 1) get decimal Retry-After seconds: whole seconds would
   * dwarf scaled windows and the short waits fault tests inject.
   */
  readonly fractionalRetryAfter: boolean;
  private readonly limiters: Partial<Record<RateLimitClass, SlidingWindowLimiter>> = {};

  constructor(options: ResolvedOptions) {
    this.fractionalRetryAfter = options.timeFactor > 0 && options.timeFactor < 1;
    if (options.limits === false) return;
    const scale = options.scaleRateLimits && options.timeFactor > 0 ? options.timeFactor : 1;
    const scaled = (windows: readonly RateWindow[]) =>
      windows.map((w) => ({ limit: w.limit, windowMs: w.windowMs * scale }));
    for (const cls of rateLimitClasses) {
      this.limiters[cls] = new SlidingWindowLimiter(scaled(options.limits[cls]));
    }
  }

  /** Charges one call to the owner's budget: undefined when allowed, else the wait in ms. */
  take(budget: RateLimitClass, owner: BudgetOwner): number | undefined {
    const limiter = this.limiters[budget];
    if (!limiter) return undefined;
    const decision = limiter.take(budgetKey(owner));
    return decision.allowed ? undefined : decision.retryAfterMs;
  }

  /** Empties every window, so each client starts with its whole budget again. */
  reset(): void {
    for (const limiter of Object.values(this.limiters)) limiter.reset();
  }
}
