import {
  adobeDefaultPolicies,
  RateBudget,
  scalePolicies,
  smoothPolicies,
  type RedisConnection,
} from '@darkroom/jobs';
import type { BudgetMetrics } from '@darkroom/observability';
import type { WorkerConfig } from './config';

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
    // too fast: cut gently and climb back within a few windows rather than halving the rate.
    aimd: { decreaseFactor: 0.8, increasePerWindow: 0.1 },
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
 * Publishes each account's effective rate per kind of call, read on scrape: what AIMD has left
 * of Adobe's limits, as calls per second in the tightest window.
 */
export async function refreshEffectiveRates(
  budget: Pick<RateBudget, 'state'>,
  accounts: readonly string[],
  metrics: Pick<BudgetMetrics, 'setEffectiveRate'>,
): Promise<void> {
  for (const account of accounts) {
    for (const cls of ['submit', 'status'] as const) {
      const state = await budget.state(account, cls);
      const perSecond = Math.min(
        ...state.windows.map((w) => w.effectiveLimit / (w.windowMs / 1000)),
      );
      metrics.setEffectiveRate(account, cls, perSecond);
    }
  }
}
