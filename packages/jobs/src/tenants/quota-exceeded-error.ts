import { JobsError } from '../errors/jobs-error';

/** A tenant's daily quota refused an enqueue. */
export interface QuotaRefusal {
  ok: false;
  quota: 'maxPerDay';
  tenant: string;
  limit: number;
  /** Edits already counted today, before the refused ones. */
  used: number;
  /** When the count starts again: the next UTC midnight. */
  resetAt: Date;
}

/**
 * An enqueue refused because the tenant's quota for the day is spent; nothing was enqueued.
 * The producer answers it with HTTP 429 and `Retry-After`.
 */
export class QuotaExceededError extends JobsError {
  readonly quota: QuotaRefusal['quota'];
  readonly tenant: string;
  readonly limit: number;
  readonly used: number;
  readonly resetAt: Date;
  constructor(refusal: Omit<QuotaRefusal, 'ok'>, requested = 1) {
    super(
      `tenant ${refusal.tenant} has used ${refusal.used} of its ${refusal.limit} edits for today (maxPerDay); ${requested === 1 ? 'one more does' : `${requested} more do`} not fit until ${refusal.resetAt.toISOString()}`,
    );
    this.quota = refusal.quota;
    this.tenant = refusal.tenant;
    this.limit = refusal.limit;
    this.used = refusal.used;
    this.resetAt = refusal.resetAt;
  }

  /** Whole seconds from `now` until the quota resets, at least 1. */
  retryAfterSeconds(now = Date.now()): number {
    return Math.max(1, Math.ceil((this.resetAt.getTime() - now) / 1000));
  }
}
