import { RateBudget } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { Redis } from 'ioredis';
import { accountSchema } from '@darkroom/photoshop';
import { budgetKeyOf } from '../src/rate-budget';

guardAgainstLeaks();

const account = (orgId?: string) =>
  accountSchema.parse({ clientId: 'id', clientSecret: 'secret', ...(orgId ? { orgId } : {}) });

describe('budgetKeyOf: Adobe limits each organization, not each credential', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('gives the accounts of one org one budget, and an account without an org its own', async () => {
    const accounts = {
      main: account('A1B2C3@AdobeOrg'),
      batch: account('A1B2C3@AdobeOrg'),
      other: account(),
    };
    const keyOf = budgetKeyOf(accounts);
    expect(keyOf('main')).toBe('org.A1B2C3@AdobeOrg');
    expect(keyOf('batch')).toBe(keyOf('main'));
    expect(keyOf('other')).toBe('other');
    // Names that are not accounts never resolve to an object's own properties.
    expect(keyOf('constructor')).toBe('constructor');

    const budget = new RateBudget({
      redis,
      prefix: uniqueName('budget-org'),
      policies: { submit: { windows: [{ limit: 2, windowMs: 60_000 }] } },
    });
    expect((await budget.tryTake(keyOf('main'), 'submit')).granted).toBe(true);
    expect((await budget.tryTake(keyOf('batch'), 'submit')).granted).toBe(true);
    // Two grants used the org's whole budget: neither account gets a third.
    expect((await budget.tryTake(keyOf('batch'), 'submit')).granted).toBe(false);
    expect((await budget.tryTake(keyOf('main'), 'submit')).granted).toBe(false);
    expect((await budget.tryTake(keyOf('other'), 'submit')).granted).toBe(true);
  });
});
