import type { BudgetPort } from '../../src/step-machine';
import type { CallLog } from './call-log';

/**
 * A rate budget that grants every token unless a test queued refusals: each queued
 * `retryInMs` answers one `tryTake` with "not yet, try again in that long". Pauses asked for
 * with `penalize` are recorded, not enforced.
 */
export class InMemoryBudget implements BudgetPort {
  private readonly refusals: number[] = [];

  constructor(private readonly log: CallLog) {}

  refuseNext(...retryInMs: number[]): this {
    this.refusals.push(...retryInMs);
    return this;
  }

  tryTake(
    account: string,
    cls: string,
  ): Promise<{ granted: true } | { granted: false; retryInMs: number; reason?: string }> {
    this.log.record('budget', 'tryTake', [account, cls]);
    const retryInMs = this.refusals.shift();
    return Promise.resolve(
      retryInMs === undefined ? { granted: true } : { granted: false, retryInMs, reason: 'window' },
    );
  }

  penalize(account: string, cls: string, retryAfterMs: number): Promise<unknown> {
    this.log.record('budget', 'penalize', [account, cls, retryAfterMs]);
    return Promise.resolve(undefined);
  }
}
