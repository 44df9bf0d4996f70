import {
  adobeDefaultPolicies,
  RateBudget,
  scalePolicies,
  smoothPolicies,
  type RedisConnection,
} from '@darkroom/jobs';
import type { BudgetMetrics } from '@darkroom/observability';
import { adobeRateLimits } from '@darkroom/photoshop';
import type { WorkerConfig } from './config';

/** Adobe's shortest published rate window (3 s): a 429's cut is recovered over whole ones. */
const AIMD_EPOCH_MS = Math.min(...adobeRateLimits.submit.soft.map((w) => w.windowMs));

/**
 * The fleet's shared budget of Adobe calls: Adobe's published limits less the configured
 * headroom, windows scaled like the emulator's clock, kept in Redis so every worker draws on it.
 */
export function createRateBudget(
  redis: RedisConnection,
  config: Pick<WorkerConfig, 'prefix' | 'budgetHeadroom' | 'budgetTimeScale'>,
): RateBudget {
  return new RateBudget({
    redis,
    // A 429 that slips through is usually arrival jitter at a window edge, not a fleet that is
    // too fast: cut gently rather than halving the rate, and climb back over Adobe's 3 s windows
    // (four of them from one cut), not over the smoothing sub-windows, which would undo the cut
    // in a second and a half.
    aimd: {
      decreaseFactor: 0.8,
      increasePerWindow: 0.05,
      epochMs: Math.max(1, Math.round(AIMD_EPOCH_MS * config.budgetTimeScale)),
    },
    prefix: `${config.prefix}:budget`,
    policies: smoothPolicies(
      scalePolicies(
        adobeDefaultPolicies({ headroom: config.budgetHeadroom }),
        config.budgetTimeScale,
      ),
    ),
  });
}

/**
 * The budget an account draws on. Adobe's limits hold per organization, so every account that
 * names the same `orgId` shares one budget (`org.<orgId>`); an account without one has its own.
 */
export function budgetKeyOf(accounts: WorkerConfig['accounts']): (account: string) => string {
  return (account) => {
    const orgId = Object.hasOwn(accounts, account) ? accounts[account]?.orgId : undefined;
    return orgId ? `org.${orgId}` : account;
  };
}

/**
 * Publishes each account's effective rate per kind of call, read on scrape: what AIMD has left
 * of Adobe's limits (of its organization's budget), as calls per second in the tightest window.
 */
export async function refreshEffectiveRates(
  budget: Pick<RateBudget, 'state'>,
  accounts: WorkerConfig['accounts'],
  metrics: Pick<BudgetMetrics, 'setEffectiveRate'>,
): Promise<void> {
  const keyOf = budgetKeyOf(accounts);
  for (const account of Object.keys(accounts)) {
    for (const cls of ['submit', 'status'] as const) {
      const state = await budget.state(keyOf(account), cls);
      const perSecond = Math.min(
        ...state.windows.map((w) => w.effectiveLimit / (w.windowMs / 1000)),
      );
      metrics.setEffectiveRate(account, cls, perSecond);
    }
  }
}
