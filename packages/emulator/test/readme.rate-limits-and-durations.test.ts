import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { durationClassIds, rateLimitClasses } from '@darkroom/photoshop';
import { DEFAULT_DURATIONS, DEFAULT_LIMITS, type RateWindow } from '../src';

const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');

/** 3000 → `3 s`, 86400000 → `24 h`: how the README writes a window. */
function span(ms: number): string {
  return ms >= 3_600_000 ? `${ms / 3_600_000} h` : `${ms / 1000} s`;
}

const windows = (list: readonly RateWindow[]) =>
  list.map((w) => `${w.limit} per ${span(w.windowMs)}`).join(' and ');

describe('README', () => {
  it.each(rateLimitClasses)('rate-limit table: the %s row shows the default limits', (cls) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${cls}\``));
    expect(row?.split('|').map((cell) => cell.trim())[3]).toBe(windows(DEFAULT_LIMITS[cls]));
  });

  it('job lifecycle: the duration ranges are the defaults', () => {
    const text = readme.replace(/\s+/g, ' ');
    for (const cls of durationClassIds) {
      const { minMs, maxMs } = DEFAULT_DURATIONS[cls];
      expect(text).toContain(`\`${cls}\` ${minMs / 1000}–${maxMs / 1000} s`);
    }
  });
});
