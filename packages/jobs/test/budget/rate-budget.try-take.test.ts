import { guardAgainstLeaks } from '@darkroom/testing';
import { budgetFixture, overLimit, type BudgetFixture } from './budget-fixture';

guardAgainstLeaks();

describe('RateBudget.tryTake', () => {
  let fx: BudgetFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('grants exactly the limit to many concurrent callers on separate connections', async () => {
    // A long window so all 60 calls certainly land inside it, even on a busy machine.
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 12, windowMs: 20_000 }] } } }, 4);
    const { budgets } = fx;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => budgets[i % budgets.length]!.tryTake('acme', 'submit')),
    );
    const granted = results.filter((r) => r.granted);
    const denied = results.filter((r) => !r.granted);
    expect(granted).toHaveLength(12);
    expect(denied).toHaveLength(48);
    for (const r of denied) {
      expect(r).toMatchObject({ granted: false, reason: 'window' });
      if (!r.granted) {
        expect(r.retryInMs).toBeGreaterThan(0);
        expect(r.retryInMs).toBeLessThanOrEqual(20_000);
      }
    }
    const state = await budgets[3]!.state('acme', 'submit');
    expect(state.windows).toEqual([{ limit: 12, effectiveLimit: 12, windowMs: 20_000, used: 12 }]);
  });

  it('keeps accounts and classes apart', async () => {
    fx = budgetFixture({
      policies: {
        submit: { windows: [{ limit: 1, windowMs: 20_000 }] },
        status: { windows: [{ limit: 1, windowMs: 20_000 }] },
      },
    });
    const { budget } = fx;
    expect((await budget.tryTake('acme', 'submit')).granted).toBe(true);
    expect((await budget.tryTake('acme', 'submit')).granted).toBe(false);
    expect((await budget.tryTake('acme', 'status')).granted).toBe(true);
    expect((await budget.tryTake('globex', 'submit')).granted).toBe(true);
  });

  it('frees room exactly as old grants slide out of the window', async () => {
    fx = budgetFixture({ policies: { status: { windows: [{ limit: 4, windowMs: 200 }] } } }, 3);
    const { budgets } = fx;
    const grants: number[] = [];
    // Three callers loop on tryTake, sleeping as long as the budget tells them to.
    await Promise.all(
      budgets.map(async (b) => {
        while (grants.length < 24) {
          const r = await b.tryTake('acme', 'status');
          if (r.granted) grants.push(r.at);
          else await new Promise((res) => setTimeout(res, r.retryInMs));
        }
      }),
    );
    expect(overLimit(grants, 4, 200)).toBeNull();
    // Denials carried correct retry hints, so the callers kept the budget busy: 24 grants at 4
    // per 200 ms need at least 5 full windows after the first burst.
    const sorted = [...grants].sort((a, b) => a - b);
    expect(sorted.at(-1)! - sorted[0]!).toBeGreaterThanOrEqual(1_000);
  });

  it('enforces a short and a long window at the same time', async () => {
    fx = budgetFixture({
      policies: {
        submit: {
          windows: [
            { limit: 3, windowMs: 200 },
            { limit: 5, windowMs: 1_000 },
          ],
        },
      },
    });
    const { budget } = fx;
    const grants: number[] = [];
    const denials: { reason: string; retryInMs: number; after: number }[] = [];
    while (grants.length < 6) {
      const r = await budget.tryTake('acme', 'submit');
      if (r.granted) grants.push(r.at);
      else {
        denials.push({ reason: r.reason, retryInMs: r.retryInMs, after: grants.length });
        await new Promise((res) => setTimeout(res, r.retryInMs));
      }
    }
    expect(overLimit(grants, 3, 200)).toBeNull();
    expect(overLimit(grants, 5, 1_000)).toBeNull();
    // After 5 grants the long window is the one that binds: its hint points past the short window.
    const longWait = denials.find((d) => d.after === 5);
    expect(longWait?.reason).toBe('window');
    expect(longWait?.retryInMs).toBeGreaterThan(200);
    expect(grants[5]! - grants[0]!).toBeGreaterThanOrEqual(1_000);
    const state = await budget.state('acme', 'submit');
    expect(state.windows.map((w) => w.windowMs)).toEqual([200, 1_000]);
    expect(state.windows[1]!.used).toBeGreaterThanOrEqual(1);
  });
});
