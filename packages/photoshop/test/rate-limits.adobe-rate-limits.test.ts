import {
  adobeRateLimits,
  operations,
  rateLimitClasses,
  statusLimitClasses,
  type OperationId,
  type RateLimitClass,
} from '../src';

describe("Adobe's rate limits", () => {
  it('hold the figures of the technical usage notes', () => {
    const s = (limit: number) => ({ limit, windowMs: 3_000 });
    const min = (limit: number) => ({ limit, windowMs: 60_000 });
    const day = (limit: number) => ({ limit, windowMs: 86_400_000 });
    expect(adobeRateLimits).toEqual({
      submit: { soft: [s(15), min(300)], hard: [s(16), min(320)] },
      status: { soft: [s(300)], hard: [s(310)] },
      'submit-cutout': { soft: [s(2)], hard: [s(3)] },
      'status-cutout': { soft: [s(500)], hard: [s(1_000)] },
      'submit-mask': { soft: [min(60), day(9_000)], hard: [min(60), day(9_000)] },
    });
  });

  it('define every class once, soft at or under hard over the same windows', () => {
    expect(Object.keys(adobeRateLimits).sort()).toEqual([...rateLimitClasses].sort());
    for (const cls of rateLimitClasses) {
      const { soft, hard } = adobeRateLimits[cls];
      expect(soft.map((w) => w.windowMs)).toEqual(hard.map((w) => w.windowMs));
      soft.forEach((w, i) => expect(w.limit).toBeLessThanOrEqual(hard[i]!.limit));
    }
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(adobeRateLimits)).toBe(true);
    expect(Object.isFrozen(adobeRateLimits.submit.hard)).toBe(true);
    expect(Object.isFrozen(adobeRateLimits.submit.hard[0])).toBe(true);
  });
});

describe('rate-limit classes in the catalog', () => {
  const own: Partial<Record<OperationId, { submit: RateLimitClass; status: RateLimitClass }>> = {
    cutout: { submit: 'submit-cutout', status: 'status-cutout' },
    mask: { submit: 'submit-mask', status: 'status-cutout' },
    'v2.removeBackground': { submit: 'submit-cutout', status: 'status-cutout' },
    maskObjects: { submit: 'submit-mask', status: 'status' },
    maskBodyParts: { submit: 'submit-mask', status: 'status' },
    refineMask: { submit: 'submit-mask', status: 'status' },
    fillMaskedAreas: { submit: 'submit-mask', status: 'status' },
  };
  // Remove-background jobs poll the shared /v2/status under the remove-background GET limit.
  const ownStatusClass = new Set<OperationId>(['v2.removeBackground']);

  it.each(Object.values(operations).map((op) => [op.id, op] as const))(
    '%s names the classes of its submit and its status reads',
    (id, op) => {
      expect(op.limitClasses).toEqual(own[id] ?? { submit: 'submit', status: 'status' });
      if (!ownStatusClass.has(id)) {
        expect(op.limitClasses.status).toBe(statusLimitClasses[op.statusFamily]);
      }
      expect(Object.isFrozen(op.limitClasses)).toBe(true);
    },
  );

  it('uses every class', () => {
    const used = new Set(
      Object.values(operations).flatMap((op) => [op.limitClasses.submit, op.limitClasses.status]),
    );
    expect([...used].sort()).toEqual([...rateLimitClasses].sort());
  });
});
