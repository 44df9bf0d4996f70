import { adobeDefaultPolicies, smoothPolicies } from '../../src/budget';

describe('smoothPolicies', () => {
  it('adds a quarter of the shortest window (a half for small limits) with that share of its limit, rounded up', () => {
    const smoothed = smoothPolicies(adobeDefaultPolicies());
    expect(smoothed.submit?.windows).toEqual([
      { limit: 14, windowMs: 3_000 },
      { limit: 290, windowMs: 60_000 },
      { limit: 4, windowMs: 750 },
    ]);
    expect(smoothed['submit-cutout']?.windows).toEqual([
      { limit: 2, windowMs: 3_000 },
      { limit: 1, windowMs: 1_500 },
    ]);
  });

  it('leaves a class alone when its shortest limit is a single request', () => {
    expect(smoothPolicies({ rare: { windows: [{ limit: 1, windowMs: 1_000 }] } })).toEqual({
      rare: { windows: [{ limit: 1, windowMs: 1_000 }] },
    });
  });

  it('leaves windows too short to split as they are', () => {
    const tiny = {
      submit: {
        windows: [
          { limit: 14, windowMs: 1 },
          { limit: 290, windowMs: 6 },
        ],
      },
    };
    expect(smoothPolicies(tiny)).toEqual(tiny);
  });
});
