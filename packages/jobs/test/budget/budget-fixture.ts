import { closeAll, closeOnce } from '@darkroom/core';
import { redisClient, uniqueName } from '@darkroom/testing';
import type { Redis } from 'ioredis';
import { RateBudget, type RateBudgetOptions } from '../../src/budget';

export interface BudgetFixture {
  prefix: string;
  /** One RateBudget per connection, as separate worker processes would have. */
  budgets: RateBudget[];
  budget: RateBudget;
  clients: Redis[];
  /** Every key under this fixture's prefix. */
  keys(): Promise<string[]>;
  close(): Promise<void>;
}

/** Budgets on `connections` separate Redis connections sharing one fresh prefix. */
export function budgetFixture(
  options: Omit<RateBudgetOptions, 'redis' | 'prefix'>,
  connections = 1,
): BudgetFixture {
  const prefix = uniqueName('budget-test');
  const clients = Array.from({ length: connections }, () => redisClient());
  const budgets = clients.map((redis) => new RateBudget({ ...options, redis, prefix }));
  const admin = clients[0]!;
  const keys = async (): Promise<string[]> => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };
  return {
    prefix,
    budgets,
    budget: budgets[0]!,
    clients,
    keys,
    close: closeOnce(() =>
      closeAll([
        async () => {
          const left = await keys();
          if (left.length > 0) await admin.del(...left);
        },
        () =>
          closeAll(
            clients.map((c) => () => c.quit()),
            { concurrent: true },
          ),
      ]),
    ),
  };
}

/**
 * Checks the sliding-window promise on grant times: no `limit + 1` grants fit inside any span
 * shorter than `windowMs`. Returns the first offending span, or null.
 */
export function overLimit(
  grantTimes: number[],
  limit: number,
  windowMs: number,
): { from: number; to: number } | null {
  const sorted = [...grantTimes].sort((a, b) => a - b);
  for (let i = 0; i + limit < sorted.length; i++) {
    const from = sorted[i]!;
    const to = sorted[i + limit]!;
    if (to - from < windowMs) return { from, to };
  }
  return null;
}
