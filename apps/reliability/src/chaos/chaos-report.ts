import type { EmulatorStats } from '@darkroom/emulator';
import type { LedgerTally } from './ledger-check';

/** What a chaos run did and found: the ledger's tally and the run's own counts. */
export interface ChaosReport extends LedgerTally {
  jobs: number;
  kills: number;
  sigterms: number;
  redisRestarts: number;
  /** Submits the emulator accepted and then answered ambiguously (5xx, reset, too late). */
  ambiguousReplies: number;
  /** Injected faults the emulator served, by kind. */
  faults: Record<string, number>;
  /** Longest SIGTERM-to-exit time of a draining worker, in ms. */
  longestDrainMs: number;
  redisKeysScanned: number;
  logLinesScanned: number;
  wallMs: number;
  /** Every broken guarantee; empty when the run passed. */
  breaches: string[];
}

/** Injected faults the emulator served, by kind, summed over its clients. */
export function faultsServed(stats: EmulatorStats): Record<string, number> {
  const faults: Record<string, number> = {};
  for (const client of Object.values(stats.clients)) {
    for (const [kind, n] of Object.entries(client.faults)) faults[kind] = (faults[kind] ?? 0) + n;
  }
  return faults;
}

/** The summary table a run prints (and RELIABILITY.md quotes). */
export function formatChaosReport(report: ChaosReport): string {
  const failed = Object.values(report.failedByReason).reduce((a, b) => a + b, 0);
  const rows: Array<[string, string]> = [
    ['jobs', String(report.jobs)],
    ['completed', String(report.completed)],
    ['failed', String(failed)],
    ...Object.entries(report.failedByReason)
      .sort()
      .map(([reason, n]): [string, string] => [`  failed: ${reason}`, String(n)]),
    ['worker SIGKILLs', String(report.kills)],
    ['worker SIGTERMs', String(report.sigterms)],
    ['Redis restarts', String(report.redisRestarts)],
    ['submit POSTs counted by the edits', String(report.postsCounted)],
    ['submit POSTs the emulator received', String(report.postsReceived)],
    ['edits whose counts differ', String(report.countMismatches)],
    ['  one ahead, killed between record and send', String(report.countMismatchesAtKill)],
    ['most POSTs for one edit, beyond 429s', String(report.mostPostsForOneEdit)],
    ['accepted submits answered ambiguously', String(report.ambiguousReplies)],
    ['  edits confirmed by their outputs', String(report.confirmedByOutputs)],
    ['remote failures submitted again', String(report.remoteFailuresResubmitted)],
    ['extra Adobe jobs', String(report.extraSubmits)],
    ['  per 1,000 edits', ((report.extraSubmits * 1000) / report.jobs).toFixed(1)],
    ['jobs with extra Adobe jobs', String(report.jobsWithExtraSubmits)],
    ['  explained by a lost submit reply', String(report.extraSubmitCauses.lostReply)],
    ['  explained by a kill or Redis restart', String(report.extraSubmitCauses.killOrRestart)],
    ...Object.entries(report.faults)
      .sort()
      .map(([kind, n]): [string, string] => [`  injected ${kind}`, String(n)]),
    ['longest drain after SIGTERM', `${(report.longestDrainMs / 1000).toFixed(1)} s`],
    ['Redis keys scanned for secrets', String(report.redisKeysScanned)],
    ['log lines scanned for secrets', String(report.logLinesScanned)],
    ['wall time', `${(report.wallMs / 1000).toFixed(1)} s`],
    ['breaches', String(report.breaches.length)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const valueWidth = Math.max(...rows.map(([, v]) => v.length));
  const line = `+-${'-'.repeat(width)}-+-${'-'.repeat(valueWidth)}-+`;
  return [
    line,
    ...rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v.padStart(valueWidth)} |`),
    line,
    ...report.breaches.map((b) => `BREACH: ${b}`),
  ].join('\n');
}
