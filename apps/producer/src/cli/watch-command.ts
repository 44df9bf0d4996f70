import { abortableDelay } from '@darkroom/core';
import type { EditJobData, EditQueue, TenantUsageTotals } from '@darkroom/jobs';
import { withQueue, type CommandContext } from './command-context';
import { tenantView, type TenantBacklogRow } from './tenant-backlog';
import { EXIT } from './exit-codes';
import { parseCommandArgs } from './parse-command-args';
import { UsageError } from './usage-error';

export const WATCH_HELP = `darkroom watch [--once] [--interval <ms>] [--sample <n>] [--json]

Live job counts per state, per account from a sample of the newest jobs of each state, and per
tenant: edits waiting for admission (by account) and this UTC hour's completed, failed and
cancelled edits, Adobe calls and 429s. Refreshed every second until Ctrl-C.
  --once            print one snapshot and exit (for scripts and tests)
  --interval <ms>   refresh period (default 1000)
  --sample <n>      jobs read per state for the per-account view (default 200)
With --json, one JSON document per snapshot (one in all with --once).`;

const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const;
const SAMPLED = ['waiting', 'prioritized', 'delayed', 'active', 'failed'] as const;

export interface WatchSnapshot {
  queue: string;
  at: string;
  counts: Record<(typeof STATES)[number], number>;
  /** Per account and state, counted over `sampled` jobs only. */
  accounts: Record<string, Partial<Record<(typeof SAMPLED)[number], number>>>;
  /** How many jobs of each state the per-account view looked at. */
  sampled: Partial<Record<(typeof SAMPLED)[number], number>>;
  /** Edits waiting in the fair dispatcher's lines, per tenant and account. */
  backlog: TenantBacklogRow[];
  /** Each tenant's usage in the current UTC hour. */
  thisHour: TenantUsageTotals[];
}

/** Counts per state (constant work) plus a bounded per-account sample. */
export async function watchSnapshot(edits: EditQueue, sample: number): Promise<WatchSnapshot> {
  const raw = await edits.counts();
  const counts = Object.fromEntries(STATES.map((s) => [s, raw[s] ?? 0])) as WatchSnapshot['counts'];
  // A Map: an account named `constructor` or `__proto__` must not reach Object.prototype.
  const accounts = new Map<string, Partial<Record<string, number>>>();
  const sampled: WatchSnapshot['sampled'] = {};
  for (const state of SAMPLED) {
    if (counts[state] === 0) continue;
    const jobs = await edits.queue.getJobs([state], 0, sample - 1);
    sampled[state] = jobs.length;
    for (const job of jobs) {
      const account = (job.data as Partial<EditJobData> | undefined)?.account ?? 'unknown';
      const row = accounts.get(account) ?? {};
      accounts.set(account, { ...row, [state]: (row[state] ?? 0) + 1 });
    }
  }
  return {
    queue: edits.queueName,
    at: new Date().toISOString(),
    counts,
    // fromEntries defines own properties, so even `__proto__` stays a plain key.
    accounts: Object.fromEntries(accounts),
    sampled,
    ...(await tenantView(edits)),
  };
}

/** One line per tenant: its backlog by account, then this hour's outcomes and Adobe calls. */
function tenantLines(s: WatchSnapshot): string[] {
  const names = [
    ...new Set([...s.backlog.map((b) => b.tenant), ...s.thisHour.map((u) => u.tenant)]),
  ];
  if (names.length === 0) return [];
  const width = Math.max(6, ...names.map((n) => n.length));
  const lines = ['', 'per tenant (waiting for admission by account; this UTC hour):'];
  for (const name of names.sort()) {
    const waiting = s.backlog.filter((b) => b.tenant === name);
    const total = waiting.reduce((sum, b) => sum + b.waiting, 0);
    const byAccount = waiting.map((b) => `${b.account} ${b.waiting}`).join(', ');
    const u = s.thisHour.find((row) => row.tenant === name);
    const hour = u
      ? `completed ${u.edits.completed}, failed ${u.edits.failed}, cancelled ${u.edits.cancelled}, submits ${u.adobeCalls.submit}, status reads ${u.adobeCalls.status}, 429s ${u.rateLimited}`
      : 'no usage';
    lines.push(
      `${name.padEnd(width)}  waiting ${total}${byAccount ? ` (${byAccount})` : ''}; ${hour}`,
    );
  }
  return lines;
}

export function snapshotLines(s: WatchSnapshot): string[] {
  const lines = [`queue ${s.queue} at ${s.at}`, ''];
  lines.push(STATES.map((st) => st.padStart(13)).join(''));
  lines.push(STATES.map((st) => String(s.counts[st]).padStart(13)).join(''));
  const names = Object.keys(s.accounts).sort();
  if (names.length > 0) {
    const sampledNote = SAMPLED.filter((st) => s.sampled[st] !== undefined)
      .map((st) => `${s.sampled[st]} ${st}`)
      .join(', ');
    lines.push('', `per account (sample of ${sampledNote}):`);
    const width = Math.max(7, ...names.map((n) => n.length));
    lines.push(`${'account'.padEnd(width)}${SAMPLED.map((st) => st.padStart(12)).join('')}`);
    for (const name of names) {
      const row = Object.hasOwn(s.accounts, name) ? (s.accounts[name] ?? {}) : {};
      lines.push(
        `${name.padEnd(width)}${SAMPLED.map((st) => String(row[st] ?? 0).padStart(12)).join('')}`,
      );
    }
  }
  return [...lines, ...tenantLines(s)];
}

export async function watchCommand({ argv, out, config, io }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('watch', argv, {
    once: { type: 'boolean' },
    interval: { type: 'string' },
    sample: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError('darkroom watch takes no arguments');
  const interval = Number(values.interval ?? 1000);
  const sample = Number(values.sample ?? 200);
  if (!Number.isInteger(interval) || interval < 100) {
    throw new UsageError('--interval takes milliseconds, at least 100');
  }
  if (!Number.isInteger(sample) || sample < 1 || sample > 10_000) {
    throw new UsageError('--sample takes a number of jobs from 1 to 10000');
  }
  return withQueue(config, async (edits) => {
    if (values.once) {
      out.result(await watchSnapshot(edits, sample), snapshotLines);
      return EXIT.ok;
    }
    const signal = io.signal ?? new AbortController().signal;
    while (!signal.aborted) {
      const snapshot = await watchSnapshot(edits, sample);
      if (out.json) out.write(`${JSON.stringify(snapshot)}\n`);
      else if (out.stdoutIsTty) out.write(`\x1b[2J\x1b[H${snapshotLines(snapshot).join('\n')}\n`);
      else out.write(`${snapshotLines(snapshot).join('\n')}\n\n`);
      await abortableDelay(interval, signal);
    }
    return EXIT.ok;
  });
}
