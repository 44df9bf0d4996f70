import { guardAgainstLeaks } from '@darkroom/testing';
import fc from 'fast-check';
import { budgetFixture, overLimit, type BudgetFixture } from './budget-fixture';

guardAgainstLeaks();

/**
 * Whatever the arrival pattern across connections, the grants the budget hands out never put more
 * than `limit` calls in any sliding window, for each of the class's windows; and it does not turn
 * callers away needlessly: the first arrivals, up to the smallest limit, are always granted.
 */
describe('RateBudget under random arrival schedules', () => {
  const windows = [
    { limit: 3, windowMs: 120 },
    { limit: 7, windowMs: 400 },
  ];
  let fx: BudgetFixture | undefined;
  beforeAll(() => {
    fx = budgetFixture({ policies: { submit: { windows } } }, 3);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('never grants over any window, nor refuses before the smallest limit is reached', async () => {
    const arrival = fc.record({ atMs: fc.integer({ min: 0, max: 500 }), conn: fc.nat(2) });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(arrival, { minLength: 1, maxLength: 40 }), async (arrivals) => {
        const account = `prop-${run++}`;
        const budgets = fx!.budgets;
        const granted: number[] = [];
        const denied: { retryInMs: number }[] = [];
        await Promise.all(
          arrivals.map(
            ({ atMs, conn }) =>
              new Promise<void>((resolve, reject) => {
                setTimeout(() => {
                  budgets[conn]!.tryTake(account, 'submit').then((r) => {
                    if (r.granted) granted.push(r.at);
                    else denied.push(r);
                    resolve();
                  }, reject);
                }, atMs);
              }),
          ),
        );
        for (const { limit, windowMs } of windows) {
          if (overLimit(granted, limit, windowMs) !== null) return false;
        }
        // Until 3 grants exist no window can be full, so at least min(n, 3) calls are granted.
        if (granted.length < Math.min(arrivals.length, 3)) return false;
        // A denial must point to a time within the longest window.
        return denied.every((d) => d.retryInMs > 0 && d.retryInMs <= 400);
      }),
      { numRuns: 12 },
    );
  }, 60_000);
});
