import { createHash } from 'node:crypto';
import { Job, type Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { EDIT_JOB_ID_PATTERN } from './constants';
import { editJobInputSchema } from './edit-job';
import { describeEditJob, readEditJob, type EditJobState, type EditJobStatus } from './edit-queue';
import { JobsError } from './errors/jobs-error';
import { FairKeys } from './fair/fair-queue';
import type { EditJobData, EditJobResult } from './job-data';
import { RemoteEventStore } from './remote-events/remote-event-store';
import { DEFAULT_TENANT } from './tenants/tenant-config';

/** The states a search can ask for; `waiting` includes edits parked in their tenants' lines. */
export const editSearchStates = [
  'active',
  'waiting',
  'prioritized',
  'delayed',
  'completed',
  'failed',
] as const satisfies readonly EditJobState[];
export type EditSearchState = (typeof editSearchStates)[number];

/** Edits per page when the caller names no limit. */
export const DEFAULT_SEARCH_LIMIT = 50;
/** Most edits per page. */
export const MAX_SEARCH_LIMIT = 500;
/**
 * Most entries of BullMQ's sets and the tenants' lines one page looks at: it bounds the work of a
 * request whatever the queue holds (reading an entry costs its job's `data` field, 1–2 KB). A page
 * that runs out of it comes back with fewer items than asked and a cursor.
 */
export const DEFAULT_SEARCH_MAX_SCAN = 5_000;

/** Entries read from Redis per round trip. */
const CHUNK = 200;
/**
 * An edit ends after it was enqueued; finish times come from the workers' clocks and enqueue
 * times from the producers', so the finished sets are read down to `since` less this margin.
 */
const CLOCK_SKEW_MS = 60_000;

/** A search that cannot run as asked; `field` names the parameter, `rule` what it broke. */
export class EditSearchError extends JobsError {
  constructor(
    readonly field: string,
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

/** What to look for. Every filter given must match; none given lists every edit. */
export interface EditSearchQuery {
  /** Only edits in these states. @defaultValue every state */
  states?: readonly EditSearchState[];
  /** Only this tenant's edits; `default` also matches edits that named no tenant. */
  tenant?: string;
  operation?: string;
  account?: string;
  /** The edit whose submit created this Adobe job (now or in an earlier round). */
  adobeJobId?: string;
  /** Epoch ms: only edits enqueued at or after it. Later pages keep the first page's value. */
  since?: number;
  /** The `cursor` of the previous page, with the same filters. */
  cursor?: string;
  /** @defaultValue {@link DEFAULT_SEARCH_LIMIT}, at most {@link MAX_SEARCH_LIMIT} */
  limit?: number;
  /** @defaultValue {@link DEFAULT_SEARCH_MAX_SCAN} */
  maxScan?: number;
}

export interface EditSearchPage {
  /** The matching edits, each as `EditQueue.get` shows it (no URL). */
  items: EditJobStatus[];
  /** Present when more edits may match: pass it back, with the same filters, for the next page. */
  cursor?: string;
  /** Entries of BullMQ's sets and the tenants' lines looked at for this page. */
  scanned: number;
}

/** The queue a search reads: BullMQ's handle, a connection to its Redis, and its key names. */
export interface EditSearchTarget {
  queue: Queue<EditJobData, EditJobResult>;
  redis: Redis | Cluster;
  prefix: string;
  queueName: string;
}

/** Where a page stopped inside one source: an offset, a line and an offset, or a score and id. */
type Position = { o: number } | { k: string; o: number } | { sc: number; id: string };

/** One entry of a source: an id, the state its place says, and the position just after it. */
interface Candidate {
  id: string;
  state: EditSearchState;
  next: Position;
}

/** A set of BullMQ's, or the tenants' lines, read newest first from a position. */
interface Source {
  read(from: Position | undefined, count: number): Promise<Candidate[]>;
}

interface Filters {
  states: readonly EditSearchState[] | undefined;
  tenant: string | undefined;
  operation: string | undefined;
  account: string | undefined;
  adobeJobId: string | undefined;
  since: number | undefined;
}

/** What an opaque cursor holds. */
interface CursorState {
  v: 1;
  /** Digest of the filters the first page was asked with. */
  q: string;
  /** The first page's `since`: a relative `since` (24h) must not move between pages. */
  t?: number;
  s: number;
  p?: Position;
}

/**
 * Lists edits matching `query`, a page at a time. Edits not yet ended come first (active,
 * then waiting, including edits parked in their tenants' lines, prioritized, delayed), each
 * newest first; then ended ones (completed and failed together), by end time, newest first.
 *
 * Cost: BullMQ's sets are read with LRANGE and ZREVRANGEBYSCORE in chunks of 200 ids, and each
 * id's `data` field is read (pipelined) only when a filter needs it; the page's edits are then
 * read whole. A page stops once it has `limit` edits or has looked at `maxScan` entries, so a
 * request costs O(maxScan) however large the queue. Ended edits are read only down to `since`
 * (finished sets are ordered by end time); `tenant` and `account` skip other tenants' lines; an
 * `adobeJobId` is one key read when the workers record Adobe's job events (`DARKROOM_EVENTS`).
 * Pages of edits that are moving between states are best effort: an edit that changes state
 * between two pages can be listed twice or not at all. Ended edits page exactly.
 * @throws {EditSearchError} a bad `limit`, `maxScan` or `cursor`
 */
export async function searchEdits(
  target: EditSearchTarget,
  query: EditSearchQuery = {},
): Promise<EditSearchPage> {
  const limit = wholeNumber('limit', query.limit ?? DEFAULT_SEARCH_LIMIT, 1, MAX_SEARCH_LIMIT);
  const maxScan = wholeNumber('maxScan', query.maxScan ?? DEFAULT_SEARCH_MAX_SCAN, 1, 1e9);
  const filters = filtersOf(query);
  const digest = digestOf(filters);
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, digest);
  const since = cursor ? cursor.t : filters.since;
  const scoped = { ...filters, since };
  if (scoped.adobeJobId !== undefined && !cursor) {
    const found = await findByAdobeJobId(target, scoped);
    if (found) return found;
  }
  return scan(target, sourcesFor(target, scoped), scoped, { limit, maxScan, cursor, digest });
}

async function scan(
  target: EditSearchTarget,
  sources: Source[],
  filters: Filters,
  page: { limit: number; maxScan: number; cursor: CursorState | undefined; digest: string },
): Promise<EditSearchPage> {
  const items: EditJobStatus[] = [];
  let scanned = 0;
  const stop = (s: number, p: Position | undefined): EditSearchPage => ({
    items,
    cursor: encodeCursor({ v: 1, q: page.digest, t: filters.since, s, p }),
    scanned,
  });
  for (let s = page.cursor?.s ?? 0; s < sources.length; s += 1) {
    const source = sources[s] as Source;
    let at = s === page.cursor?.s ? page.cursor.p : undefined;
    for (;;) {
      const room = Math.min(CHUNK, page.maxScan - scanned);
      if (room <= 0) return stop(s, at);
      const entries = await source.read(at, room);
      if (entries.length === 0) break;
      scanned += entries.length;
      const found = await load(target, await matching(target, entries, filters));
      for (const entry of entries) {
        at = entry.next;
        const status = found.get(entry.id);
        if (!status) continue;
        items.push(status);
        if (items.length === page.limit) return stop(s, at);
      }
    }
  }
  return { items, scanned };
}

/** The sources the states ask for, in the order pages go through them. */
function sourcesFor(target: EditSearchTarget, filters: Filters): Source[] {
  const { redis, queue } = target;
  const wanted = (state: EditSearchState) => !filters.states || filters.states.includes(state);
  const sources: Source[] = [];
  if (wanted('active')) sources.push(listSource(redis, queue.toKey('active'), 'active'));
  if (wanted('waiting')) {
    sources.push(listSource(redis, queue.toKey('wait'), 'waiting'));
    sources.push(parkedSource(redis, new FairKeys(target.prefix, target.queueName), filters));
  }
  for (const state of ['prioritized', 'delayed'] as const) {
    if (wanted(state)) sources.push(sortedSource(redis, [[queue.toKey(state), state]], '-inf'));
  }
  const ended = (['completed', 'failed'] as const).filter(wanted);
  if (ended.length > 0) {
    const floor = filters.since === undefined ? '-inf' : String(filters.since - CLOCK_SKEW_MS);
    const sets = ended.map((state): readonly [string, EditSearchState] => [
      queue.toKey(state),
      state,
    ]);
    sources.push(sortedSource(redis, sets, floor));
  }
  return sources;
}

/** A BullMQ list read from its head: the newest entry first (BullMQ pushes at the head). */
function listSource(redis: Redis | Cluster, key: string, state: EditSearchState): Source {
  return {
    async read(from, count) {
      const start = from && 'o' in from ? from.o : 0;
      const ids = await redis.lrange(key, start, start + count - 1);
      return ids.map((id, i) => ({ id, state, next: { o: start + i + 1 } }));
    },
  };
}

/**
 * The tenants' lines (edits parked for fair dispatch, in none of BullMQ's sets), line by line in
 * the order of their keys, each from its tail: the newest parked first. Lines of other tenants
 * and accounts than the filters name are not read at all.
 */
function parkedSource(redis: Redis | Cluster, keys: FairKeys, filters: Filters): Source {
  let rooms: Promise<string[]> | undefined;
  return {
    async read(from, count) {
      rooms ??= parkedRooms(redis, keys, filters);
      const all = await rooms;
      const place = from && 'k' in from ? from : undefined;
      let index = place ? all.findIndex((room) => room >= place.k) : 0;
      if (index < 0) return [];
      let offset = place && all[index] === place.k ? place.o : 0;
      const out: Candidate[] = [];
      for (; index < all.length && out.length < count; index += 1, offset = 0) {
        const room = all[index] as string;
        const ids = await redis.lrange(room, -(offset + count - out.length), -(offset + 1));
        ids.reverse().forEach((id, i) => {
          out.push({ id, state: 'waiting', next: { k: room, o: offset + i + 1 } });
        });
      }
      return out;
    },
  };
}

/** The keys of the lines that may hold edits of the filters' tenant and account, sorted. */
async function parkedRooms(
  redis: Redis | Cluster,
  keys: FairKeys,
  filters: Filters,
): Promise<string[]> {
  const accounts =
    filters.account !== undefined ? [filters.account] : await redis.smembers(keys.accounts());
  const tenants: string[][] =
    filters.tenant !== undefined
      ? accounts.map(() => [filters.tenant as string])
      : ((await pipelined(
          redis,
          accounts.map((a) => ['smembers', keys.tenants(a)]),
        )) as string[][]);
  const lines = accounts.flatMap((account, i) =>
    (tenants[i] ?? []).map((tenant) => ({ account, tenant })),
  );
  const handicaps = (await pipelined(
    redis,
    lines.map((l) => ['smembers', keys.handicaps(l.account, l.tenant)]),
  )) as string[][];
  return lines
    .flatMap((l, i) => (handicaps[i] ?? []).map((h) => keys.room(l.account, l.tenant, Number(h))))
    .sort();
}

/**
 * Sorted sets read together by score, highest first, ties by id (highest first, as Redis orders
 * equal scores backwards): completed and failed by end time, delayed by due time. Entries below
 * `floor` are never read.
 */
function sortedSource(
  redis: Redis | Cluster,
  sets: (readonly [string, EditSearchState])[],
  floor: string,
): Source {
  return {
    async read(from, count) {
      const after = from && 'sc' in from ? from : undefined;
      const lists = await Promise.all(
        sets.map(async ([key, state]) =>
          (await sortedAfter(redis, key, after, count, floor)).map((e) => ({ ...e, state })),
        ),
      );
      return lists
        .flat()
        .sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, count)
        .map((e) => ({ id: e.id, state: e.state, next: { sc: e.score, id: e.id } }));
    },
  };
}

/** Up to `count` entries of one sorted set that come after `after` in (score, id) descending. */
async function sortedAfter(
  redis: Redis | Cluster,
  key: string,
  after: { sc: number; id: string } | undefined,
  count: number,
  floor: string,
): Promise<{ id: string; score: number }[]> {
  const out: { id: string; score: number }[] = [];
  const top = after ? String(after.sc) : '+inf';
  for (let offset = 0; out.length < count;) {
    const flat = await redis.zrevrangebyscore(
      key,
      top,
      floor,
      'WITHSCORES',
      'LIMIT',
      offset,
      count,
    );
    for (let i = 0; i < flat.length; i += 2) {
      const id = flat[i] as string;
      const score = Number(flat[i + 1]);
      // Entries at the cursor's own score up to and including its id were on earlier pages.
      if (after && score === after.sc && id >= after.id) continue;
      if (out.length < count) out.push({ id, score });
    }
    if (flat.length < count * 2) break;
    offset += flat.length / 2;
  }
  return out;
}

/** The ids among `entries` whose edits match the filters (their `data` read only when needed). */
async function matching(
  target: EditSearchTarget,
  entries: readonly Candidate[],
  filters: Filters,
): Promise<Candidate[]> {
  // BullMQ once kept markers in its wait list; anything not shaped like an edit id is skipped.
  const edits = entries.filter((e) => EDIT_JOB_ID_PATTERN.test(e.id));
  const { states: _states, ...dataFilters } = filters;
  if (Object.values(dataFilters).every((v) => v === undefined)) return edits;
  const raw = await pipelined(
    target.redis,
    edits.map((e) => ['hget', target.queue.toKey(e.id), 'data']),
  );
  return edits.filter((_, i) => {
    const text = raw[i];
    if (typeof text !== 'string') return false;
    try {
      return dataMatches(JSON.parse(text) as Partial<EditJobData>, filters);
    } catch {
      return false;
    }
  });
}

function dataMatches(data: Partial<EditJobData>, f: Filters): boolean {
  if (f.tenant !== undefined && (data.tenant ?? DEFAULT_TENANT) !== f.tenant) return false;
  if (f.account !== undefined && data.account !== f.account) return false;
  if (f.operation !== undefined && data.request?.operation !== f.operation) return false;
  if (f.since !== undefined && !((data.enqueuedAt ?? -Infinity) >= f.since)) return false;
  return f.adobeJobId === undefined || holdsAdobeJob(data, f.adobeJobId);
}

/** Whether the edit's submit created that Adobe job, in this round or an earlier one. */
function holdsAdobeJob(data: Partial<EditJobData>, adobeJobId: string): boolean {
  return data.remoteJobId === adobeJobId || (data.earlierRemoteJobIds ?? []).includes(adobeJobId);
}

/** The matching edits read whole, by id; an edit removed meanwhile is left out. */
async function load(
  target: EditSearchTarget,
  entries: readonly Candidate[],
): Promise<Map<string, EditJobStatus>> {
  const jobs = await Promise.all(
    entries.map((e) => Job.fromId<EditJobData, EditJobResult>(target.queue, e.id)),
  );
  const found = new Map<string, EditJobStatus>();
  entries.forEach((entry, i) => {
    const job = jobs[i];
    if (job) found.set(entry.id, describeEditJob(job, entry.state));
  });
  return found;
}

/**
 * With Adobe's job events on, the workers note which edit submitted each Adobe job: one read
 * answers. An Adobe job belongs to one edit, so the answer is that edit or nothing. Undefined
 * when the note is missing (events off, or older than its retention): the caller scans.
 */
async function findByAdobeJobId(
  target: EditSearchTarget,
  filters: Filters,
): Promise<EditSearchPage | undefined> {
  const store = new RemoteEventStore({
    redis: target.redis,
    prefix: target.prefix,
    queueName: target.queueName,
  });
  const editId = await target.redis.get(store.key('job', filters.adobeJobId as string));
  if (!editId || !EDIT_JOB_ID_PATTERN.test(editId)) return undefined;
  const found = await readEditJob(target.queue, editId);
  if (!found) return { items: [], scanned: 1 };
  const { job, state } = found;
  if (!holdsAdobeJob(job.data, filters.adobeJobId as string)) return undefined;
  const wanted =
    dataMatches(job.data, filters) &&
    (!filters.states || (filters.states as readonly string[]).includes(state));
  return { items: wanted ? [describeEditJob(job, state)] : [], scanned: 1 };
}

function filtersOf(query: EditSearchQuery): Filters {
  const states = query.states ? [...new Set(query.states)].sort() : undefined;
  for (const state of states ?? []) {
    if (!(editSearchStates as readonly string[]).includes(state)) {
      throw new EditSearchError('state', 'enum', stateRule(state));
    }
  }
  return {
    states,
    tenant: query.tenant,
    operation: query.operation,
    account: query.account,
    adobeJobId: query.adobeJobId,
    since: query.since,
  };
}

/** Which filters a cursor belongs to (`since` travels in the cursor itself). */
function digestOf(f: Filters): string {
  const { since: _since, ...rest } = f;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeCursor(text: string, digest: string): CursorState {
  let state: Partial<CursorState>;
  try {
    state = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<CursorState>;
  } catch {
    state = {};
  }
  if (state.v !== 1 || typeof state.s !== 'number' || typeof state.q !== 'string') {
    throw new EditSearchError('cursor', 'format', 'cursor is not one this API gave out');
  }
  if (state.q !== digest) {
    throw new EditSearchError(
      'cursor',
      'query_mismatch',
      'cursor belongs to a search with other filters; send the same filters as the first page',
    );
  }
  return state as CursorState;
}

function wholeNumber(field: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new EditSearchError(
      field,
      'range',
      `${field} must be a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

const stateRule = (got: string) =>
  `state must be one or more of ${editSearchStates.join(', ')}, separated by commas; got ${JSON.stringify(got)}`;

async function pipelined(redis: Redis | Cluster, commands: string[][]): Promise<unknown[]> {
  if (commands.length === 0) return [];
  const replies = (await redis.pipeline(commands).exec()) ?? [];
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** The text parameters of a search, as `GET /v1/edits` and `darkroom jobs` take them. */
export interface EditSearchParams {
  state?: unknown;
  tenant?: unknown;
  operation?: unknown;
  account?: unknown;
  adobeJobId?: unknown;
  since?: unknown;
  cursor?: unknown;
  limit?: unknown;
}

const SINCE_RULE = 'since must be a duration such as 30m, 24h or 7d, or an ISO-8601 time';
const SINCE_UNITS_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const fieldRules = {
  tenant: editJobInputSchema.shape.tenant.unwrap(),
  account: editJobInputSchema.shape.account.unwrap(),
  operation: editJobInputSchema.shape.operation,
};

/**
 * A query from text parameters: `state` a comma-separated list, `since` a duration back from
 * `now` (`30m`, `24h`, `7d`) or an ISO time, `limit` a whole number; `tenant`, `account` and
 * `operation` follow the edit job's own rules, so a search accepts exactly what an edit may name.
 * @throws {EditSearchError} naming the parameter and the rule it broke
 */
export function parseEditSearchParams(params: EditSearchParams, now = Date.now()): EditSearchQuery {
  const text = (field: keyof EditSearchParams): string | undefined => {
    const value = params[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      throw new EditSearchError(field, 'format', `${field} must be given once, as text`);
    }
    return value;
  };
  const query: EditSearchQuery = {};
  const state = text('state');
  if (state !== undefined) query.states = parseStates(state);
  for (const field of ['tenant', 'account', 'operation'] as const) {
    const value = text(field);
    if (value === undefined) continue;
    const checked = fieldRules[field].safeParse(value);
    const rule = field === 'operation' ? 'enum' : 'format';
    if (!checked.success) {
      throw new EditSearchError(field, rule, checked.error.issues[0]?.message ?? `bad ${field}`);
    }
    query[field] = checked.data;
  }
  const adobeJobId = text('adobeJobId');
  if (adobeJobId !== undefined) {
    if (!/^[\x21-\x7e]{1,200}$/.test(adobeJobId)) {
      throw new EditSearchError(
        'adobeJobId',
        'format',
        'adobeJobId must be 1 to 200 printable ASCII characters without spaces',
      );
    }
    query.adobeJobId = adobeJobId;
  }
  const since = text('since');
  if (since !== undefined) query.since = parseSince(since, now);
  const cursor = text('cursor');
  if (cursor !== undefined) query.cursor = cursor;
  const limit = text('limit');
  if (limit !== undefined) query.limit = parseLimit(limit);
  return query;
}

function parseStates(text: string): EditSearchState[] {
  return text.split(',').map((part) => {
    const state = part.trim();
    if (!(editSearchStates as readonly string[]).includes(state)) {
      throw new EditSearchError('state', 'enum', stateRule(state));
    }
    return state as EditSearchState;
  });
}

/** Epoch ms of a `since`: a duration back from `now`, or an ISO time not in the future. */
function parseSince(text: string, now = Date.now()): number {
  const duration = /^(\d{1,7})([smhd])$/.exec(text.trim());
  if (duration) {
    return now - Number(duration[1]) * SINCE_UNITS_MS[duration[2] as keyof typeof SINCE_UNITS_MS];
  }
  const at = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(at)) throw new EditSearchError('since', 'format', SINCE_RULE);
  if (at > now) throw new EditSearchError('since', 'range', 'since must not lie in the future');
  return at;
}

function parseLimit(text: string): number {
  const limit = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  return wholeNumber('limit', Number.isNaN(limit) ? -1 : limit, 1, MAX_SEARCH_LIMIT);
}
