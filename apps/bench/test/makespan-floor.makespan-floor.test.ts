import { longestChain, makespanFloor, type FloorStep } from '../src/makespan-floor';
import { aimedRatePerSecond } from '../src/scenarios/rate-budget';

const PRODUCT: FloorStep[] = [
  { name: 'cutout', needs: [], operation: 'v2.removeBackground' },
  { name: 'card', needs: ['cutout'], operation: 'v2.createComposite' },
];

describe('makespanFloor', () => {
  it("lets remove background's own budget set the pace of the product recipe", () => {
    const floor = makespanFloor({
      steps: PRODUCT,
      runs: 1_000,
      timeFactor: 0.1,
      aimedRatePerSecond,
    });
    // 2 per 300 ms for cut-outs; every submit also takes the general 14 per 300 ms.
    expect(floor.classes['submit-cutout']).toMatchObject({ submits: 1_000, seconds: 150 });
    expect(floor.classes.submit?.submits).toBe(2_000);
    expect(floor.classes.submit?.seconds).toBeCloseTo(2_000 / (14 / 0.3), 6);
    expect(floor.bindingClass).toBe('submit-cutout');
    // simple (10 s) then complex (37.5 s), at a tenth.
    expect(floor.chain).toEqual(['cutout', 'card']);
    expect(floor.chainSeconds).toBeCloseTo(4.75, 6);
    expect(floor.floorSeconds).toBeCloseTo(154.75, 6);
  });

  it('uses the general class alone when no step has a class of its own', () => {
    const floor = makespanFloor({
      steps: [{ name: 'card', needs: [], operation: 'v2.createComposite' }],
      runs: 140,
      timeFactor: 1,
      aimedRatePerSecond,
    });
    expect(Object.keys(floor.classes)).toEqual(['submit']);
    expect(floor.submitSeconds).toBeCloseTo(30, 6);
    expect(floor.floorSeconds).toBeCloseTo(30 + 37.5, 6);
  });
});

describe('longestChain', () => {
  it('follows the slower branch of a diamond', () => {
    const steps: FloorStep[] = [
      { name: 'a', needs: [], operation: 'x' },
      { name: 'fast', needs: ['a'], operation: 'x' },
      { name: 'slow', needs: ['a'], operation: 'y' },
      { name: 'join', needs: ['fast', 'slow'], operation: 'x' },
    ];
    const ms = (s: FloorStep): number => (s.operation === 'y' ? 50 : 10);
    expect(longestChain(steps, ms)).toEqual({ ms: 70, chain: ['a', 'slow', 'join'] });
  });

  it('refuses a step listed before a step it needs', () => {
    const steps: FloorStep[] = [{ name: 'b', needs: ['a'], operation: 'x' }];
    expect(() => longestChain(steps, () => 1)).toThrow('needs a');
  });
});
