import { durationClasses, durationClassIds, isDurationClass, operations } from '../src';

describe('duration classes', () => {
  it("hold Adobe's ranges and what Darkroom plans and expects for each", () => {
    expect(durationClasses).toEqual({
      simple: {
        minMs: 5_000,
        maxMs: 15_000,
        plannedMaxMs: 15_000,
        expected: { meanMs: 10_000, deviationMs: 2_500 },
      },
      complex: {
        minMs: 15_000,
        maxMs: 60_000,
        plannedMaxMs: 60_000,
        expected: { meanMs: 37_500, deviationMs: 11_000 },
      },
      large: {
        minMs: 60_000,
        maxMs: null,
        plannedMaxMs: 120_000,
        expected: { meanMs: 90_000, deviationMs: 30_000 },
      },
    });
  });

  it.each(durationClassIds)('%s: the planned range holds the expected mean', (id) => {
    const c = durationClasses[id];
    expect(c.plannedMaxMs).toBe(c.maxMs ?? c.plannedMaxMs);
    expect(c.plannedMaxMs).toBeGreaterThan(c.minMs);
    expect(c.expected.meanMs).toBeGreaterThanOrEqual(c.minMs);
    expect(c.expected.meanMs).toBeLessThanOrEqual(c.plannedMaxMs);
    expect(c.expected.deviationMs).toBeGreaterThan(0);
    expect(Object.isFrozen(c) && Object.isFrozen(c.expected)).toBe(true);
  });

  it('covers the class of every operation, and only those', () => {
    for (const op of Object.values(operations))
      expect(isDurationClass(op.durationClass)).toBe(true);
    expect(Object.keys(durationClasses)).toEqual([...durationClassIds]);
    expect(isDurationClass('huge')).toBe(false);
  });
});
