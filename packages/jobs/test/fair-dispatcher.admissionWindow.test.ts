import { adobeRateLimits } from '@darkroom/photoshop';
import { admissionWindow } from '../src';

describe('admissionWindow', () => {
  it("keeps a third of Adobe's shortest submit window admitted, at any time scale", () => {
    // Adobe asks for at most 15 submits in 3 s.
    const shortest = adobeRateLimits.submit.soft.find((w) => w.windowMs === 3_000);
    expect(shortest?.limit).toBe(15);
    expect(admissionWindow()).toBe(5);
  });
});
