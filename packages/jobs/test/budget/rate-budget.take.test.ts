import { guardAgainstLeaks } from '@darkroom/testing';
import { BudgetWaitTimeoutError } from '../../src/budget';
import { budgetFixture, overLimit, type BudgetFixture } from './budget-fixture';

guardAgainstLeaks();

describe('RateBudget.take', () => {
  let fx: BudgetFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('returns at once while there is room, and waits for the window when there is not', async () => {
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 2, windowMs: 300 }] } } });
    const { budget } = fx;
    const first = await budget.take('acme', 'submit');
    const second = await budget.take('acme', 'submit');
    expect(first.waitedMs).toBeLessThan(300);
    expect(second.waitedMs).toBeLessThan(300);
    const third = await budget.take('acme', 'submit');
    // Granted exactly when the first grant left the window, on Redis's own clock.
    expect(third.at - first.at).toBeGreaterThanOrEqual(300);
    expect(third.waitedMs).toBeGreaterThan(0);
  });

  it('shares the limit among many waiting callers on separate connections', async () => {
    fx = budgetFixture({ policies: { status: { windows: [{ limit: 5, windowMs: 200 }] } } }, 4);
    const { budgets } = fx;
    const grants = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        budgets[i % budgets.length]!.take('acme', 'status', { maxWaitMs: 10_000 }),
      ),
    );
    const times = grants.map((g) => g.at);
    expect(overLimit(times, 5, 200)).toBeNull();
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(600);
  });

  it('throws BudgetWaitTimeoutError at once when the next chance lies beyond maxWaitMs', async () => {
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 1, windowMs: 200 }] } } });
    const { budget } = fx;
    await budget.penalize('acme', 'submit', 2_000);
    const started = Date.now();
    const error = await budget.take('acme', 'submit', { maxWaitMs: 300 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(BudgetWaitTimeoutError);
    expect(error).toMatchObject({ account: 'acme', cls: 'submit', reason: 'paused' });
    expect((error as BudgetWaitTimeoutError).retryInMs).toBeGreaterThan(300);
  });

  it('uses the budget-wide maxWaitMs when the call gives none', async () => {
    fx = budgetFixture({
      policies: { submit: { windows: [{ limit: 1, windowMs: 5_000 }] } },
      maxWaitMs: 100,
    });
    const { budget } = fx;
    await budget.take('acme', 'submit');
    await expect(budget.take('acme', 'submit')).rejects.toMatchObject({
      name: 'BudgetWaitTimeoutError',
      reason: 'window',
    });
  });

  it('stops waiting when its AbortSignal fires, with the signal reason', async () => {
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 1, windowMs: 200 }] } } });
    const { budget } = fx;
    await budget.penalize('acme', 'submit', 5_000);
    const controller = new AbortController();
    const reason = new Error('worker is shutting down');
    const waiting = budget.take('acme', 'submit', { signal: controller.signal, maxWaitMs: 10_000 });
    // Abort once the caller is parked on its timer, i.e. after its first denied tryTake.
    const probe = await budget.tryTake('acme', 'submit');
    expect(probe.granted).toBe(false);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it('does not take a token when the signal has already fired', async () => {
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 1, windowMs: 5_000 }] } } });
    const { budget } = fx;
    await expect(budget.take('acme', 'submit', { signal: AbortSignal.abort() })).rejects.toThrow();
    expect((await budget.state('acme', 'submit')).windows[0]!.used).toBe(0);
  });
});
