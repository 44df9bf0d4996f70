import { mean, median, percentile, ratio } from '../src/stats';

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('ignores values that are not finite and is NaN for nothing', () => {
    expect(median([Number.NaN, 5, Number.POSITIVE_INFINITY])).toBe(5);
    expect(median([])).toBeNaN();
  });
});

describe('ratio and mean', () => {
  it('is NaN rather than Infinity when the divisor is zero or missing', () => {
    expect(ratio(10, 4)).toBe(2.5);
    expect(ratio(10, 0)).toBeNaN();
    expect(ratio(undefined, 3)).toBeNaN();
    expect(mean([1, 2, Number.NaN])).toBe(1.5);
  });
});

describe('percentile', () => {
  it('takes a measured value at the rank, from below, ignoring values that are not finite', () => {
    const values = [Number.NaN, ...Array.from({ length: 20 }, (_, i) => 20 - i)];
    expect(percentile(values, 0.95)).toBe(19);
    expect(percentile(values, 0.5)).toBe(10);
    expect(percentile(values, 1)).toBe(20);
    expect(percentile([], 0.95)).toBeNaN();
  });
});
