import { abortableDelay } from '@darkroom/core';
import type { EditQueue, TenantUsageTotals } from '@darkroom/jobs';
import {
  AccountCounter,
  COUNTED_STATES,
  addParked,
  type AccountRows,
  type CountedState,
  type SampledStates,
} from './account-counts';
import { withQueue, type CommandContext } from './command-context';
import { REDIS_ALWAYS } from './talks-to';
import { tenantView, type TenantBacklogRow } from './tenant-backlog';
import { EXIT } from './exit-codes';
import { paceLine, readPace, type Pace } from './pace';
import { parseCommandArgs } from './parse-command-args';
import { UsageError } from './usage-error';

/** Jobs of a state read per refresh for the per-account view, unless --sample says otherwise. */
const DEFAULT_SAMPLE = 10_000;

export const WATCH_HELP = `darkroom watch [--once] [--interval <ms>] [--sample <n>] [--json]

Live counts per state; the pace (edits completed and failed per minute over the last minute)
and the backlog's ETA at that pace; per account, the edits of each state; per tenant, its edits
waiting for admission (by account) and this UTC hour's completed, failed and cancelled edits,
Adobe calls and 429s. Refreshed every second until Ctrl-C.
  --once            print one snapshot and exit (for scripts and tests)
  --interval <ms>   refresh period (default 1000)
  --sample <n>      most jobs of a state read for the per-account view (default ${DEFAULT_SAMPLE}):
                    counts are exact up to it; a state with more is marked as sampled, with how
                    many of its newest jobs were read
With --json, one JSON document per snapshot (one in all with --once).
${REDIS_ALWAYS}`;

const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const;

export interface WatchSnapshot {
  queue: string;
  at: string;
  counts: Record<(typeof STATES)[number], number>;
  /** Completed and failed per minute, the backlog and its ETA. */
  pace: Pace;
  /** Per account and state: exact, except in the states named in `sampled`. */
  accounts: AccountRows;
  /** States with more jobs than `--sample`: how many of the newest were read, of how many. */
  sampled: SampledStates;
  /** Edits waiting in the fair dispatcher's lines, per tenant and account. */
  backlog: TenantBacklogRow[];
  /** Each tenant's usage in the current UTC hour. */
  thisHour: TenantUsageTotals[];
}

/**
 * One snapshot: counts per state, the pace, per-account counts (through `counter`, which
 * remembers accounts between refreshes) and the per-tenant view.
 */
export async function watchSnapshot(
  edits: EditQueue,
  counter: AccountCounter | number,
): Promise<WatchSnapshot> {
  const accountCounter = typeof counter === 'number' ? new AccountCounter(edits, counter) : counter;
  const raw = await edits.counts();
  const counts = Object.fromEntries(STATES.map((s) => [s, raw[s] ?? 0])) as WatchSnapshot['counts'];
  const tenants = await tenantView(edits);
  const parked = tenants.backlog.reduce((sum, b) => sum + b.waiting, 0);
  // Parked edits are in none of BullMQ's sets: they are counted, exactly, from their lines.
  const inSets = { ...counts, waiting: Math.max(0, counts.waiting - parked) };
  const [pace, perAccount] = await Promise.all([
    readPace(edits, counts),
    accountCounter.count(inSets),
  ]);
  return {
    queue: edits.queueName,
    at: new Date().toISOString(),
    counts,
    pace,
    accounts: addParked(perAccount.accounts, tenants.backlog),
    sampled: perAccount.sampled,
    ...tenants,
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

/** The per-account table; a sampled state's column is marked `*` and explained below it. */
function accountLines(s: WatchSnapshot): string[] {
  const names = Object.keys(s.accounts).sort();
  if (names.length === 0) return [];
  const sampled = COUNTED_STATES.filter((st) => s.sampled[st] !== undefined);
  const header = (st: CountedState): string => (s.sampled[st] ? `${st}*` : st);
  const width = Math.max(7, ...names.map((n) => n.length));
  const lines = [
    '',
    sampled.length === 0 ? 'per account (exact):' : 'per account (* sampled, see below):',
    `${'account'.padEnd(width)}${COUNTED_STATES.map((st) => header(st).padStart(13)).join('')}`,
  ];
  for (const name of names) {
    const row = Object.hasOwn(s.accounts, name) ? (s.accounts[name] ?? {}) : {};
    lines.push(
      `${name.padEnd(width)}${COUNTED_STATES.map((st) => String(row[st] ?? 0).padStart(13)).join('')}`,
    );
  }
  for (const st of sampled) {
    const of = s.sampled[st];
    if (of) lines.push(`* ${st}: counted over the newest ${of.read} of ${of.of} jobs (--sample)`);
  }
  return lines;
}

export function snapshotLines(s: WatchSnapshot): string[] {
  return [
    `queue ${s.queue} at ${s.at}`,
    '',
    STATES.map((st) => st.padStart(13)).join(''),
    STATES.map((st) => String(s.counts[st]).padStart(13)).join(''),
    '',
    paceLine(s.pace),
    ...accountLines(s),
    ...tenantLines(s),
  ];
}

export async function watchCommand({ argv, out, config, io }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('watch', argv, {
    once: { type: 'boolean' },
    interval: { type: 'string' },
    sample: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError('darkroom watch takes no arguments');
  const interval = Number(values.interval ?? 1000);
  const sample = Number(values.sample ?? DEFAULT_SAMPLE);
  if (!Number.isInteger(interval) || interval < 100) {
    throw new UsageError('--interval takes milliseconds, at least 100');
  }
  if (!Number.isInteger(sample) || sample < 1 || sample > 100_000) {
    throw new UsageError('--sample takes a number of jobs from 1 to 100000');
  }
  return withQueue(config, async (edits) => {
    const counter = new AccountCounter(edits, sample);
    if (values.once) {
      out.result(await watchSnapshot(edits, counter), snapshotLines);
      return EXIT.ok;
    }
    const signal = io.signal ?? new AbortController().signal;
    while (!signal.aborted) {
      const snapshot = await watchSnapshot(edits, counter);
      if (out.json) out.write(`${JSON.stringify(snapshot)}\n`);
      else if (out.stdoutIsTty) out.write(`\x1b[2J\x1b[H${snapshotLines(snapshot).join('\n')}\n`);
      else out.write(`${snapshotLines(snapshot).join('\n')}\n\n`);
      await abortableDelay(interval, signal);
    }
    return EXIT.ok;
  });
}
