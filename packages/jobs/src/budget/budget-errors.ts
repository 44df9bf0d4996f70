import { JobsError } from '../errors/jobs-error';

/** Base of every error the rate budget throws, so callers can catch them as one family. */
export class BudgetError extends JobsError {}

/**
 * A value handed to the budget breaks a rule: an account label that could corrupt key structure,
 * an unknown class, a malformed policy. `path` names the field (`account`, `policies.submit.windows[0].limit`)
 * and `rule` says what it must satisfy.
 */
export class BudgetInputError extends BudgetError {
  constructor(
    readonly path: string,
    readonly rule: string,
    received?: string,
  ) {
    super(`${path}: ${rule}${received === undefined ? '' : ` (received ${received})`}`);
  }
}

/**
 * `take()` could not get a token within `maxWaitMs`. `retryInMs` is the budget's own estimate of
 * when one may be free, so a job processor can delay the job by that much instead of holding a
 * worker slot.
 */
export class BudgetWaitTimeoutError extends BudgetError {
  constructor(
    readonly account: string,
    readonly cls: string,
    readonly waitedMs: number,
    readonly retryInMs: number,
    readonly reason: 'window' | 'paused',
  ) {
    super(
      `no ${cls} token for account ${account} within the wait limit: waited ${waitedMs} ms, ` +
        `next chance in ${retryInMs} ms (${reason === 'paused' ? 'paused after a 429' : 'window full'})`,
    );
  }
}
