import type { EditJobData, EditQueue } from '@darkroom/jobs';
import { queueRedis } from '../server/usage-route';

/** The states `watch` counts per account; completed jobs are counted by pace instead. */
export const COUNTED_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed'] as const;
export type CountedState = (typeof COUNTED_STATES)[number];

/** Per account, per state. */
export type AccountRows = Record<string, Partial<Record<CountedState, number>>>;

/** States holding more jobs than the limit: how many of the newest were read, of how many. */
export type SampledStates = Partial<Record<CountedState, { read: number; of: number }>>;

/** Jobs whose account is read in one round trip. */
const BATCH = 1_000;

/**
 * Counts the jobs of each state per account: every job while a state holds at most `limit`
 * (exact), else the newest `limit`, and the state is reported in `sampled`. A job's account
 * never changes, so it is read once (a field of the job hash) and remembered while the job stays
 * in a counted state: a refresh every second reads only the jobs that are new since the last.
 */
export class AccountCounter {
  private known = new Map<string, string>();

  constructor(
    private readonly edits: EditQueue,
    private readonly limit: number,
  ) {}

  /** `inSets`: each state's count in BullMQ's own sets (parked edits are in none of them). */
  async count(
    inSets: Record<CountedState, number>,
  ): Promise<{ accounts: AccountRows; sampled: SampledStates }> {
    // A Map: an account named `constructor` or `__proto__` must not reach Object.prototype.
    const rows = new Map<string, Partial<Record<CountedState, number>>>();
    const sampled: SampledStates = {};
    const seen = new Map<string, string>();
    for (const state of COUNTED_STATES) {
      if (inSets[state] === 0) continue;
      const ids = await this.edits.queue.getRanges([state], 0, this.limit - 1);
      const accounts = await this.accountsOf(ids);
      ids.forEach((id, i) => seen.set(id, accounts[i] ?? 'unknown'));
      for (const account of accounts) {
        const row = rows.get(account) ?? {};
        rows.set(account, { ...row, [state]: (row[state] ?? 0) + 1 });
      }
      if (ids.length < inSets[state]) sampled[state] = { read: ids.length, of: inSets[state] };
    }
    this.known = seen;
    // fromEntries defines own properties, so even `__proto__` stays a plain key.
    return { accounts: Object.fromEntries(rows), sampled };
  }

  private async accountsOf(ids: string[]): Promise<string[]> {
    const missing = ids.filter((id) => !this.known.has(id));
    const client = await queueRedis(this.edits);
    for (let start = 0; start < missing.length; start += BATCH) {
      const batch = missing.slice(start, start + BATCH);
      const pipeline = client.pipeline();
      for (const id of batch) pipeline.hget(this.edits.queue.toKey(id), 'data');
      const replies = (await pipeline.exec()) ?? [];
      batch.forEach((id, i) => this.known.set(id, accountOf(replies[i]?.[1])));
    }
    return ids.map((id) => this.known.get(id) ?? 'unknown');
  }
}

/** The account in a job hash's `data` field; `unknown` for a job removed meanwhile. */
function accountOf(data: unknown): string {
  if (typeof data !== 'string') return 'unknown';
  try {
    return (JSON.parse(data) as Partial<EditJobData>).account ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Adds the edits parked in the fair dispatcher's lines (exact) to the waiting column. */
export function addParked(
  accounts: AccountRows,
  parked: readonly { account: string; waiting: number }[],
): AccountRows {
  const rows = new Map(Object.entries(accounts));
  for (const line of parked) {
    if (line.waiting === 0) continue;
    const row = rows.get(line.account) ?? {};
    rows.set(line.account, { ...row, waiting: (row.waiting ?? 0) + line.waiting });
  }
  return Object.fromEntries(rows);
}
