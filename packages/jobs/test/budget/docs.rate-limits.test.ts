import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adobeRateLimits } from '@darkroom/photoshop';
import { adobeDefaultPolicies } from '../../src';

// Operators size fleets from the limits the docs quote; they must be the ones the budget uses.

const repoRoot = path.resolve(__dirname, '../../../..');
const read = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');
const limitOf = (windows: readonly { limit: number; windowMs: number }[], windowMs: number) =>
  windows.find((w) => w.windowMs === windowMs)?.limit;

describe("the docs' rate limits", () => {
  const soft = adobeRateLimits.submit.soft;
  const hard = adobeRateLimits.submit.hard;
  const aimed = adobeDefaultPolicies().submit?.windows ?? [];

  it("DEPLOYMENT.md quotes Adobe's soft submit limits and the budget's aim under them", () => {
    const text = read('DEPLOYMENT.md').replace(/\s+/g, ' ');
    expect(text).toContain(
      `are ${limitOf(soft, 3_000)} submits per 3 s and ${limitOf(soft, 60_000)} per minute per credential`,
    );
    expect(text).toContain(
      `${limitOf(aimed, 3_000)} per 3 s and ${limitOf(aimed, 60_000)} per minute)`,
    );
  });

  it("the budget README quotes Adobe's soft and hard limits per class", () => {
    const text = read('packages/jobs/src/budget/README.md').replace(/\s+/g, ' ');
    expect(text).toContain(
      `${limitOf(soft, 3_000)} submits per 3 s and ${limitOf(soft, 60_000)} per minute (soft; ${limitOf(hard, 3_000)} and ${limitOf(hard, 60_000)} hard)`,
    );
    expect(text).toContain(
      `${limitOf(adobeRateLimits.status.soft, 3_000)} status reads per 3 s, ${limitOf(adobeRateLimits['submit-cutout'].soft, 3_000)} remove-background submits per 3 s, ${limitOf(adobeRateLimits['submit-mask'].soft, 60_000)} masking calls per minute`,
    );
  });
});
