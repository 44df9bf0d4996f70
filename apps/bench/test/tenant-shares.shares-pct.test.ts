import {
  editOfInput,
  shareDeviation,
  sharesPct,
  tenantFolder,
  weightSharesPct,
} from '../src/tenant-shares';

describe('editOfInput', () => {
  it("reads the tenant and index back from an Adobe job's input location", () => {
    const input = `http://127.0.0.1:4567/bench-in/${tenantFolder('A')}/4711.psd`;
    expect(editOfInput(input)).toEqual({ tenant: 'A', index: 4711 });
  });

  it('is undefined for inputs of other edits and for jobs without an input', () => {
    expect(editOfInput('http://127.0.0.1:4567/bench-in/bench-1/3.psd')).toBeUndefined();
    expect(editOfInput(undefined)).toBeUndefined();
  });
});

describe('sharesPct and weightSharesPct', () => {
  it('gives each listed tenant its share of their total, leaving others out', () => {
    expect(sharesPct({ A: 50, B: 30, C: 25, D: 25 }, ['A', 'C', 'D'])).toEqual({
      A: 50,
      C: 25,
      D: 25,
    });
    expect(weightSharesPct({ A: 2, C: 1, D: 1 })).toEqual({ A: 50, C: 25, D: 25 });
  });

  it('is NaN for every tenant when none of them submitted', () => {
    const shares = sharesPct({ B: 3 }, ['A', 'C']);
    expect(shares.A).toBeNaN();
    expect(shares.C).toBeNaN();
  });
});

describe('shareDeviation', () => {
  it('takes the largest gap in points and relative to the aimed share', () => {
    const gap = shareDeviation({ A: 51, C: 26, D: 23 }, { A: 50, C: 25, D: 25 });
    expect(gap.points).toBeCloseTo(2);
    expect(gap.relativePct).toBeCloseTo(8);
  });

  it('is NaN when a tenant has no share at all', () => {
    expect(shareDeviation({ A: 100 }, { A: 50, C: 50 }).points).toBeNaN();
  });
});
