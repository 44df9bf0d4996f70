import { adobeRateLimits, rateLimitClasses } from '@darkroom/photoshop';
import { adobeDefaultPolicies, BudgetInputError, scalePolicies } from '../../src/budget';

describe('adobeDefaultPolicies', () => {
  it('aims just under the soft limits of Adobe technical usage notes', () => {
    expect(adobeDefaultPolicies()).toEqual({
      submit: {
        windows: [
          { limit: 14, windowMs: 3_000 },
          { limit: 290, windowMs: 60_000 },
        ],
      },
      status: { windows: [{ limit: 290, windowMs: 3_000 }] },
      'submit-cutout': { windows: [{ limit: 2, windowMs: 3_000 }] },
      'status-cutout': { windows: [{ limit: 483, windowMs: 3_000 }] },
      'submit-mask': {
        windows: [
          { limit: 58, windowMs: 60_000 },
          { limit: 8_694, windowMs: 86_400_000 },
        ],
      },
    });
  });

  it('stays below every hard limit, whatever the headroom', () => {
    for (const headroom of [0, 0.01, 0.1, 0.5, 0.99]) {
      const policies = adobeDefaultPolicies({ headroom });
      expect(Object.keys(policies).sort()).toEqual([...rateLimitClasses].sort());
      for (const cls of rateLimitClasses) {
        const { hard } = adobeRateLimits[cls];
        expect(policies[cls]!.windows.map((w) => w.windowMs)).toEqual(hard.map((w) => w.windowMs));
        policies[cls]!.windows.forEach((w, i) => {
          expect(w.limit).toBeGreaterThanOrEqual(1);
          expect(w.limit).toBeLessThanOrEqual(hard[i]!.limit);
        });
      }
    }
  });

  it('rejects a headroom outside [0, 1)', () => {
    expect(() => adobeDefaultPolicies({ headroom: 1 })).toThrow(BudgetInputError);
    expect(() => adobeDefaultPolicies({ headroom: -0.1 })).toThrow(/^headroom:/);
  });
});

describe('scalePolicies', () => {
  it('multiplies every window by the time factor, as the emulator does, and keeps the limits', () => {
    const scaled = scalePolicies(adobeDefaultPolicies(), 0.1);
    expect(scaled.submit).toEqual({
      windows: [
        { limit: 14, windowMs: 300 },
        { limit: 290, windowMs: 6_000 },
      ],
    });
    expect(scalePolicies({ x: { windows: [{ limit: 1, windowMs: 3 }] } }, 0.001)).toEqual({
      x: { windows: [{ limit: 1, windowMs: 1 }] },
    });
  });

  it('rejects a factor that is not a positive number', () => {
    expect(() => scalePolicies(adobeDefaultPolicies(), 0)).toThrow(/^timeFactor:/);
    expect(() => scalePolicies(adobeDefaultPolicies(), Number.POSITIVE_INFINITY)).toThrow(
      /^timeFactor:/,
    );
  });
});
