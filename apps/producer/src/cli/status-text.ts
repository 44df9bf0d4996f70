import { callbackLine, type EditStatusWithCallback } from '../callbacks/callback-status';

const time = (ms: number | undefined): string => (ms ? new Date(ms).toISOString() : '-');

/** A job's status as aligned `key  value` lines. */
export function statusLines(status: EditStatusWithCallback): string[] {
  const rows: [string, string][] = [
    ['id', status.id],
    ['state', status.state],
    ['operation', status.operation],
    ['account', status.account],
  ];
  if (status.tenant) rows.push(['tenant', status.tenant]);
  rows.push(
    ['step', status.step],
    ['polls', String(status.polls)],
    ['attempts', String(status.attemptsMade)],
    ['enqueued', time(status.enqueuedAt)],
  );
  if (status.finishedAt) rows.push(['finished', time(status.finishedAt)]);
  if (status.remoteJobId) rows.push(['remote job', status.remoteJobId]);
  if (status.failure) rows.push(['failure', `${status.failure.reason}: ${status.failure.message}`]);
  for (const output of status.result?.outputs ?? []) {
    rows.push(['output', `${output.ref} (${output.size} bytes)`]);
  }
  if (status.callback) rows.push(['callback', callbackLine(status.callback)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}
