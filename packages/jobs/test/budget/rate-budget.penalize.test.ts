import { guardAgainstLeaks, waitFor } from '@darkroom/testing';
import { budgetFixture, type BudgetFixture } from './budget-fixture';

guardAgainstLeaks();

describe('RateBudget.penalize', () => {
  let fx: BudgetFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('pauses the class for every connection until Retry-After has passed', async () => {
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 10, windowMs: 200 }] } } }, 2);
    const a = fx.budgets[0]!;
    const b = fx.budgets[1]!;
    const { pausedUntil } = await a.penalize('acme', 'submit', 400);

    const seen = await b.tryTake('acme', 'submit');
    expect(seen).toMatchObject({ granted: false, reason: 'paused' });
    if (!seen.granted) {
      expect(seen.retryInMs).toBeGreaterThan(200);
      expect(seen.retryInMs).toBeLessThanOrEqual(400);
    }
    const state = await b.state('acme', 'submit');
    expect(state.pausedUntil).toBe(pausedUntil);
    expect(state.pausedForMs).toBeGreaterThan(0);
    // Another account of the same class is not paused.
    expect((await b.tryTake('globex', 'submit')).granted).toBe(true);

    const granted = await waitFor(
      async () => {
        const r = await b.tryTake('acme', 'submit');
        return r.granted ? r : null;
      },
      { timeoutMs: 5_000, what: 'the pause to end' },
    );
    expect(granted.at).toBeGreaterThanOrEqual(pausedUntil);
    expect((await b.state('acme', 'submit')).pausedUntil).toBeNull();
  });

  it('never shortens a longer pause', async () => {
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 10, windowMs: 200 }] } } });
    const first = await fx.budget.penalize('acme', 'submit', 5_000);
    const second = await fx.budget.penalize('acme', 'submit', 100);
    expect(second.pausedUntil).toBe(first.pausedUntil);
  });

  it('counts a burst of 429s from many workers as one decrease', async () => {
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 10, windowMs: 3_000 }] } } }, 5);
    const replies = await Promise.all(fx.budgets.map((b) => b.penalize('acme', 'submit', 0)));
    expect(replies.filter((r) => r.decreased)).toHaveLength(1);
    for (const r of replies) expect(r.effectiveFraction).toBe(0.5);
    const state = await fx.budget.state('acme', 'submit');
    expect(state.effectiveFraction).toBe(0.5);
    expect(state.windows[0]).toMatchObject({ limit: 10, effectiveLimit: 5 });
  });

  it('ignores 429s that arrive while the pause they caused still runs', async () => {
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 10, windowMs: 100 }] } } });
    const { budget } = fx;
    expect((await budget.penalize('acme', 'submit', 600)).decreased).toBe(true);
    // More than one epoch (100 ms) later, but still inside the pause.
    await waitFor(async () => (await budget.state('acme', 'submit')).pausedForMs < 400, {
      what: 'an epoch to pass',
    });
    const late = await budget.penalize('acme', 'submit', 0);
    expect(late.decreased).toBe(false);
    expect(late.effectiveFraction).toBe(0.5);
  });

  it('lowers the effective limits multiplicatively, then probes back up each quiet epoch', async () => {
    fx = budgetFixture({
      policies: {
        submit: {
          windows: [
            { limit: 8, windowMs: 200 },
            { limit: 40, windowMs: 2_000 },
          ],
        },
      },
      aimd: { decreaseFactor: 0.5, increasePerWindow: 0.25, minFraction: 0.1 },
    });
    const { budget } = fx;
    await budget.penalize('acme', 'submit', 0);
    const lowered = await budget.state('acme', 'submit');
    expect(lowered.effectiveFraction).toBe(0.5);
    expect(lowered.windows.map((w) => w.effectiveLimit)).toEqual([4, 20]);

    // The lowered limit is what tryTake enforces.
    const burst = await Promise.all(
      Array.from({ length: 8 }, () => budget.tryTake('acme', 'submit')),
    );
    expect(burst.filter((r) => r.granted)).toHaveLength(4);

    const fractions = new Set<number>();
    await waitFor(
      async () => {
        const s = await budget.state('acme', 'submit');
        fractions.add(s.effectiveFraction);
        return s.effectiveFraction === 1;
      },
      { timeoutMs: 5_000, intervalMs: 10, what: 'the budget to recover' },
    );
    // 0.5 → 0.75 → 1: additive steps, one per 200 ms epoch.
    expect([...fractions].sort()).toEqual([0.5, 0.75, 1]);
    const recovered = await budget.state('acme', 'submit');
    expect(recovered.windows.map((w) => w.effectiveLimit)).toEqual([8, 40]);
  });

  it('never goes below minFraction, and an effective limit is never below 1', async () => {
    fx = budgetFixture({
      policies: { 'submit-cutout': { windows: [{ limit: 2, windowMs: 100 }] } },
      aimd: { decreaseFactor: 0.1, minFraction: 0.3 },
    });
    const { budget } = fx;
    expect((await budget.penalize('acme', 'submit-cutout', 0)).effectiveFraction).toBeCloseTo(0.3);
    const state = await budget.state('acme', 'submit-cutout');
    expect(state.windows[0]!.effectiveLimit).toBe(1);
    expect((await budget.tryTake('acme', 'submit-cutout')).granted).toBe(true);
  });

  it('caps a huge Retry-After at maxPauseMs and rejects a negative one', async () => {
    fx = budgetFixture({
      policies: { submit: { windows: [{ limit: 10, windowMs: 200 }] } },
      maxPauseMs: 1_000,
    });
    const { budget } = fx;
    await budget.penalize('acme', 'submit', 86_400_000);
    const state = await budget.state('acme', 'submit');
    expect(state.pausedForMs).toBeGreaterThan(0);
    expect(state.pausedForMs).toBeLessThanOrEqual(1_000);
    await expect(budget.penalize('acme', 'submit', -1)).rejects.toMatchObject({
      name: 'BudgetInputError',
      path: 'retryAfterMs',
    });
  });
});
