import { guardAgainstLeaks } from '@darkroom/testing';
import { formatChaosReport, runChaos } from '../src';

guardAgainstLeaks();

describe('runChaos (a small run of the pnpm test:chaos harness)', () => {
  it('keeps every guarantee through 2 SIGKILLs, a SIGTERM, a Redis restart and lost submit replies over 150 jobs', async () => {
    const report = await runChaos({
      jobs: 150,
      maxKills: 2,
      killEveryMs: 1_500,
      sigterms: 1,
      redisRestarts: 1,
      seed: 11,
      // A killed worker's jobs go on elsewhere within seconds instead of BullMQ's 30 s lock.
      lockDurationMs: 5_000,
      timeoutMs: 150_000,
    });
    // The table is the failure message: every breach is listed under it.
    expect(formatChaosReport(report)).not.toMatch(/BREACH/);
    expect(report.breaches).toEqual([]);
    expect(report.kills).toBe(2);
    expect(report.sigterms).toBe(1);
    expect(report.redisRestarts).toBe(1);
    const failed = Object.values(report.failedByReason).reduce((a, b) => a + b, 0);
    expect(report.completed + failed).toBe(150);
    expect(report.completed).toBeGreaterThan(130);
    // Adobe-like faults after acceptance were served, and each was settled without multiplying
    // POSTs: what the edits counted is what the emulator received.
    expect(report.ambiguousReplies).toBeGreaterThan(0);
    expect(report.postsCounted - report.countMismatchesAtKill).toBe(report.postsReceived);
    expect(report.mostPostsForOneEdit).toBeLessThanOrEqual(4);
    expect(report.extraSubmits).toBeLessThanOrEqual(Math.ceil(report.ambiguousReplies / 10));
    // The secret scans looked at something.
    expect(report.redisKeysScanned).toBeGreaterThan(150);
    expect(report.logLinesScanned).toBeGreaterThan(150);
  }, 180_000);
});
