import { guardAgainstLeaks, redisClient, waitFor } from '@darkroom/testing';
import { BudgetInputError, RateBudget } from '../../src/budget';
import { budgetFixture, type BudgetFixture } from './budget-fixture';

guardAgainstLeaks();

describe('RateBudget keys', () => {
  let fx: BudgetFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('keeps one account+class in two keys that share one hash tag', async () => {
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 5, windowMs: 1_000 }] } } });
    await fx.budget.tryTake('acme.prod', 'submit');
    await fx.budget.penalize('acme.prod', 'submit', 100);
    const keys = (await fx.keys()).sort();
    expect(keys).toEqual([
      `${fx.prefix}:{acme.prod:submit}:aimd`,
      `${fx.prefix}:{acme.prod:submit}:log`,
    ]);
  });

  it('lets the keys of an idle account expire', async () => {
    fx = budgetFixture({
      policies: { status: { windows: [{ limit: 5, windowMs: 100 }] } },
      aimd: { increasePerWindow: 0.5 },
    });
    const { budget, clients } = fx;
    await budget.tryTake('acme', 'status');
    await budget.penalize('acme', 'status', 50);
    const redis = clients[0]!;
    for (const key of await fx.keys()) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      // log: window + 1 s; state: pause + recovery epochs + window + 1 s
      expect(ttl).toBeLessThanOrEqual(1_300);
    }
    await waitFor(async () => (await fx!.keys()).length === 0, {
      timeoutMs: 5_000,
      what: 'the budget keys to expire',
    });
  }, 15_000);

  it.each([
    ['empty', ''],
    ['a space', 'acme prod'],
    ['a colon', 'acme:prod'],
    ['a hash tag', '{acme}'],
    ['a glob character', 'acme*'],
    ['a non-ASCII letter', 'acmé'],
    ['129 characters', 'a'.repeat(129)],
  ])('rejects an account name with %s, naming the field and the rule', async (_, account) => {
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 5, windowMs: 1_000 }] } } });
    const error = await fx.budget.tryTake(account, 'submit').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetInputError);
    expect(error).toMatchObject({ path: 'account' });
    expect((error as Error).message).toMatch(/^account: must be 1 to 128 characters/);
    // The offending value is not echoed: it could be a credential passed by mistake.
    if (account.length > 0) expect((error as Error).message).not.toContain(account);
    await expect(fx.budget.penalize(account, 'submit', 10)).rejects.toBeInstanceOf(
      BudgetInputError,
    );
    await expect(fx.budget.state(account, 'submit')).rejects.toBeInstanceOf(BudgetInputError);
    expect(await fx.keys()).toEqual([]);
  });

  it('rejects an unknown class with the list of configured ones', async () => {
    fx = budgetFixture({ policies: { submit: { windows: [{ limit: 5, windowMs: 1_000 }] } } });
    await expect(fx.budget.tryTake('acme', 'sbumit')).rejects.toMatchObject({
      path: 'cls',
      message: 'cls: must be one of the configured classes: submit',
    });
  });

  it('rejects malformed options when it is built', () => {
    const redis = redisClient();
    try {
      const make = (options: Partial<ConstructorParameters<typeof RateBudget>[0]>): RateBudget =>
        new RateBudget({
          redis,
          prefix: 'p',
          policies: { submit: { windows: [{ limit: 1, windowMs: 1_000 }] } },
          ...options,
        });
      expect(() =>
        make({ policies: { submit: { windows: [{ limit: 0, windowMs: 1_000 }] } } }),
      ).toThrow('policies.submit.windows[0].limit: must be a positive integer (received 0)');
      expect(() =>
        make({ policies: { submit: { windows: [{ limit: 1, windowMs: 1.5 }] } } }),
      ).toThrow(/^policies\.submit\.windows\[0\]\.windowMs:/);
      expect(() => make({ policies: { submit: { windows: [] } } })).toThrow(
        'policies.submit.windows: must be a non-empty array',
      );
      expect(() =>
        make({
          policies: {
            submit: {
              windows: [
                { limit: 1, windowMs: 1_000 },
                { limit: 2, windowMs: 1_000 },
              ],
            },
          },
        }),
      ).toThrow(/^policies\.submit\.windows\[1\]\.windowMs: must differ/);
      expect(() => make({ policies: { 'a:b': { windows: [{ limit: 1, windowMs: 1 }] } } })).toThrow(
        /^policies key:/,
      );
      expect(() => make({ policies: {} })).toThrow('policies: must define at least one class');
      expect(() => make({ prefix: '' })).toThrow(/^prefix:/);
      expect(() => make({ aimd: { decreaseFactor: 0 } })).toThrow(/^aimd\.decreaseFactor:/);
      expect(() => make({ aimd: { minFraction: 2 } })).toThrow(/^aimd\.minFraction:/);
      expect(() => make({ aimd: { increasePerWindow: Number.NaN } })).toThrow(
        /^aimd\.increasePerWindow:/,
      );
    } finally {
      redis.disconnect();
    }
  });
});
