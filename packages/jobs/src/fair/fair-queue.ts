import { optsEncodeMap, type JobsOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { RedisScript } from '../redis-script';

/**
 * How far an edit's priority moves it in its tenant's line: priority `p` (1 highest) counts as
 * enqueued `(p − 1) × PRIORITY_STEP_MS` later. Edits without a priority count as
 * {@link DEFAULT_PRIORITY}. A bounded lead, not an absolute order: a batch edit that has waited
 * longer than the lead goes before a new interactive one, so no priority starves.
 */
export const PRIORITY_STEP_MS = 1_000;
export const DEFAULT_PRIORITY = 600;

/**
 * The longest handicap a priority gives: an hour. BullMQ's priorities reach 2,097,152; past 3,601
 * they all wait the same hour, so even the lowest is behind new work for an hour at most.
 */
export const MAX_PRIORITY_HANDICAP_MS = 3_600_000;

/** How much later than its enqueue an edit of `priority` counts in its tenant's line. */
export function priorityHandicap(priority: number | undefined): number {
  return Math.min(
    ((priority ?? DEFAULT_PRIORITY) - 1) * PRIORITY_STEP_MS,
    MAX_PRIORITY_HANDICAP_MS,
  );
}

/** Where an edit waits for admission: its account (the budget it will draw on) and tenant. */
export interface ParkedEdit {
  id: string;
  account: string;
  tenant: string;
  /** BullMQ's priority of the edit (1 highest); none counts as {@link DEFAULT_PRIORITY}. */
  priority?: number | undefined;
}

/**
 * The key layout of fair dispatch, beside the queue's own keys (`<prefix>:<queue>:fair:…`), so a
 * hash-tagged prefix (`{darkroom}`) keeps every key of a queue, and so of an organisation, in one
 * Redis Cluster slot:
 * - `room:<account>:<tenant>:<handicap>`: list of a tenant's waiting edit ids of one priority
 *   handicap (ms), in the order they were parked; `handicaps:<account>:<tenant>`, the set of
 *   handicaps with such a list;
 * - `tenants:<account>`: set of tenants with a non-empty room for that account, and `accounts`,
 *   the accounts that ever had one;
 * - `admitted:<domain>`: sorted set of edits admitted and not yet submitted, by admission time
 *   (`domain` is the budget the accounts share: an organisation);
 * - `inflight:<domain>:<tenant>`: sorted set of a tenant's admitted edits until they end;
 * - `vt:<domain>`: hash of each tenant's virtual finish time, and `__v`, the domain's virtual time.
 *
 * A parked edit is its BullMQ job hash and one list entry, nothing more: parking takes the job out
 * of BullMQ's delayed set, and admission puts it back, due at once.
 */
export class FairKeys {
  readonly base: string;
  /** BullMQ's key of a job is this plus its id; `delayed` is BullMQ's delayed set. */
  readonly job: string;
  readonly delayed: string;
  /** BullMQ's event stream of the queue. */
  readonly events: string;
  constructor(prefix: string, queueName: string) {
    this.base = `${prefix}:${queueName}:fair`;
    this.job = `${prefix}:${queueName}:`;
    this.delayed = `${prefix}:${queueName}:delayed`;
    this.events = `${prefix}:${queueName}:events`;
  }
  room(account: string, tenant: string, handicap: number): string {
    return `${this.base}:room:${account}:${tenant}:${handicap}`;
  }
  handicaps(account: string, tenant: string): string {
    return `${this.base}:handicaps:${account}:${tenant}`;
  }
  tenants(account: string): string {
    return `${this.base}:tenants:${account}`;
  }
  accounts(): string {
    return `${this.base}:accounts`;
  }
  admitted(domain: string): string {
    return `${this.base}:admitted:${domain}`;
  }
  inflight(domain: string, tenant: string): string {
    return `${this.base}:inflight:${domain}:${tenant}`;
  }
  vt(domain: string): string {
    return `${this.base}:vt:${domain}`;
  }
}

/**
 * Parks edits, a group per room: each edit still in BullMQ's delayed set leaves it for the end of
 * its room; the room's handicap joins the tenant's set, the tenant the account's and the account
 * the queue's. An edit not in the delayed set (parked already, taken, gone) is left where it is.
 * With ARGV[1] `1`, only edits no worker ever took are parked (an enqueue parks what it added,
 * nothing older). KEYS[1] the accounts set, KEYS[2] BullMQ's delayed set, then room, handicaps,
 * tenants triples; ARGV[2] the job key prefix, then per room its handicap, tenant, account, the
 * number of ids and the ids. Returns how many were parked.
 */
const PARK = new RedisScript(`
local fresh_only = ARGV[1] == '1'
local parked = 0
local j = 3
for i = 3, #KEYS, 3 do
  local n = tonumber(ARGV[j + 3])
  local ids, moved = {}, 0
  for k = j + 4, j + 3 + n do
    local id = ARGV[k]
    local taken = fresh_only and redis.call('HEXISTS', ARGV[2] .. id, 'processedOn') == 1
    if not taken and redis.call('ZREM', KEYS[2], id) == 1 then
      ids[#ids + 1] = id
      if #ids == 1000 then
        redis.call('RPUSH', KEYS[i], unpack(ids))
        moved, ids = moved + #ids, {}
      end
    end
  end
  if #ids > 0 then redis.call('RPUSH', KEYS[i], unpack(ids)) end
  moved = moved + #ids
  if moved > 0 then
    redis.call('SADD', KEYS[i + 1], ARGV[j])
    redis.call('SADD', KEYS[i + 2], ARGV[j + 1])
    redis.call('SADD', KEYS[1], ARGV[j + 2])
  end
  parked = parked + moved
  j = j + 4 + n
end
return parked
`);

/**
 * Moves delayed edits into their tenants' lines (see {@link PARK}), in their order within each
 * room: `fresh` parks only edits no worker took yet. Returns how many were parked.
 */
export async function parkEdits(
  redis: Redis | Cluster,
  keys: FairKeys,
  edits: readonly ParkedEdit[],
  options: { fresh: boolean },
): Promise<number> {
  if (edits.length === 0) return 0;
  const k: string[] = [keys.accounts(), keys.delayed];
  const a: (string | number)[] = [options.fresh ? '1' : '0', keys.job];
  for (const { room, edits: group } of byRoom(keys, edits)) {
    k.push(...room.keys);
    a.push(...room.args, group.length, ...group.map((e) => e.id));
  }
  return Number(await PARK.run(redis, k, a));
}

/**
 * Edits grouped by the room they wait in, in their order within each: the room's three keys
 * (line, handicaps, tenants) and the arguments the scripts name it by (handicap, tenant, account).
 */
function byRoom<T extends ParkedEdit>(
  keys: FairKeys,
  edits: readonly T[],
): { room: { keys: string[]; args: (string | number)[] }; edits: T[] }[] {
  const rooms = new Map<
    string,
    { room: { keys: string[]; args: (string | number)[] }; edits: T[] }
  >();
  for (const e of edits) {
    const handicap = priorityHandicap(e.priority);
    const line = keys.room(e.account, e.tenant, handicap);
    let group = rooms.get(line);
    if (!group) {
      const roomKeys = [line, keys.handicaps(e.account, e.tenant), keys.tenants(e.account)];
      group = { room: { keys: roomKeys, args: [handicap, e.tenant, e.account] }, edits: [] };
      rooms.set(line, group);
    }
    group.edits.push(e);
  }
  return [...rooms.values()];
}

/**
 * Adds new edits straight into their tenants' lines: for each, BullMQ's job hash as `Queue.add`
 * writes it for a job due now (name, data, opts, timestamp, delay, priority), BullMQ's `added`
 * event, and the id at the end of its room, in one script, so no edit is ever in neither BullMQ's
 * sets nor a line. An id whose job exists already is left as it is. KEYS[1] the accounts set,
 * KEYS[2] BullMQ's event stream, then room, handicaps, tenants triples; ARGV[1] the job key
 * prefix, ARGV[2] the timestamp, ARGV[3] the job name, ARGV[4] the event stream's length, then per
 * room its handicap, tenant, account, the number of edits and, for each, its id, data, stored opts
 * and priority. Returns how many were added.
 */
const ADD_PARKED = new RedisScript(`
local added = 0
local j = 5
for i = 3, #KEYS, 3 do
  local n = tonumber(ARGV[j + 3])
  local ids = {}
  for k = j + 4, j + 3 + n * 4, 4 do
    local id = ARGV[k]
    local jobKey = ARGV[1] .. id
    if redis.call('EXISTS', jobKey) == 0 then
      redis.call('HSET', jobKey, 'name', ARGV[3], 'data', ARGV[k + 1], 'opts', ARGV[k + 2],
        'timestamp', ARGV[2], 'delay', '0', 'priority', ARGV[k + 3])
      redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'event', 'added', 'jobId', id,
        'name', ARGV[3])
      ids[#ids + 1] = id
    end
  end
  if #ids > 0 then
    redis.call('RPUSH', KEYS[i], unpack(ids))
    redis.call('SADD', KEYS[i + 1], ARGV[j])
    redis.call('SADD', KEYS[i + 2], ARGV[j + 1])
    redis.call('SADD', KEYS[1], ARGV[j + 2])
  end
  added = added + #ids
  j = j + 4 + n * 4
end
return added
`);

/** A new edit for {@link addParkedEdits}: where it waits, and its BullMQ job. */
export interface NewParkedEdit extends ParkedEdit {
  /** The job's data, as JSON. */
  data: string;
  /** BullMQ's options of the job (`jobId`, `attempts`, `backoff`, …), without `delay`. */
  opts: JobsOptions;
}

/** The most edits one {@link ADD_PARKED} call adds: keeps each script short. */
const ADD_PARKED_CHUNK = 1_000;

/**
 * Adds new edits parked at once (see {@link ADD_PARKED}), at most {@link ADD_PARKED_CHUNK} a
 * script; `events` is the length BullMQ trims its event stream to. Returns how many were added
 * (an edit whose id exists already is not).
 */
export async function addParkedEdits(
  redis: Redis | Cluster,
  keys: FairKeys,
  edits: readonly NewParkedEdit[],
  job: { name: string; timestamp: number; events: number },
): Promise<number> {
  let added = 0;
  for (let i = 0; i < edits.length; i += ADD_PARKED_CHUNK) {
    added += await addParkedChunk(redis, keys, edits.slice(i, i + ADD_PARKED_CHUNK), job);
  }
  return added;
}

async function addParkedChunk(
  redis: Redis | Cluster,
  keys: FairKeys,
  edits: readonly NewParkedEdit[],
  job: { name: string; timestamp: number; events: number },
): Promise<number> {
  const k: string[] = [keys.accounts(), keys.events];
  const a: (string | number)[] = [keys.job, job.timestamp, job.name, job.events];
  for (const { room, edits: group } of byRoom(keys, edits)) {
    k.push(...room.keys);
    a.push(...room.args, group.length);
    for (const e of group) a.push(e.id, e.data, storedJobOpts(e.opts), e.priority ?? 0);
  }
  return Number(await ADD_PARKED.run(redis, k, a));
}

/**
 * Job options as BullMQ stores them in a job's hash: JSON, with the few names BullMQ shortens
 * (`optsEncodeMap`: `deduplication` → `de`, …) shortened. `Job.fromId` reads them back.
 */
export function storedJobOpts(opts: JobsOptions): string {
  const encode: Record<string, string> = optsEncodeMap;
  const stored: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(opts)) {
    if (value === undefined) continue;
    if (name === 'telemetry' || name === 'delay') {
      throw new Error(`storedJobOpts: ${name} is not stored by Darkroom's own add`);
    }
    stored[encode[name] ?? name] = value;
  }
  return JSON.stringify(stored);
}

/**
 * Takes one parked edit out of its line and back into BullMQ's delayed set, due now (to cancel
 * it); false when it was not in that line. KEYS[1] the room, KEYS[2] BullMQ's delayed set;
 * ARGV[1] the id, ARGV[2] now (ms).
 */
const UNPARK = new RedisScript(`
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) * 0x1000, ARGV[1])
return 1
`);

export async function unparkEdit(
  redis: Redis | Cluster,
  keys: FairKeys,
  edit: ParkedEdit,
): Promise<boolean> {
  const room = keys.room(edit.account, edit.tenant, priorityHandicap(edit.priority));
  return Number(await UNPARK.run(redis, [room, keys.delayed], [edit.id, Date.now()])) === 1;
}

/** Every line of a queue: account, tenant and the key of each of its rooms (three round trips). */
async function fairLines(
  redis: Redis | Cluster,
  keys: FairKeys,
): Promise<{ account: string; tenant: string; rooms: string[] }[]> {
  const accounts = (await redis.smembers(keys.accounts())).sort();
  if (accounts.length === 0) return [];
  const lists = await pipelined(
    redis,
    accounts.map((a) => ['smembers', keys.tenants(a)]),
  );
  const lines = accounts.flatMap((account, i) =>
    ((lists[i] as string[] | undefined) ?? []).sort().map((tenant) => ({ account, tenant })),
  );
  const handicaps = (await pipelined(
    redis,
    lines.map((l) => ['smembers', keys.handicaps(l.account, l.tenant)]),
  )) as (string[] | undefined)[];
  return lines.map((l, i) => ({
    ...l,
    rooms: (handicaps[i] ?? [])
      .map(Number)
      .sort((a, b) => a - b)
      .map((h) => keys.room(l.account, l.tenant, h)),
  }));
}

/**
 * Edits waiting for admission, per account and tenant (for `darkroom watch`, the dashboard and
 * `EditQueue.counts()`): four round trips however many tenants there are.
 */
export async function fairBacklog(
  redis: Redis | Cluster,
  queue: { prefix: string; queueName: string },
): Promise<{ tenant: string; account: string; waiting: number }[]> {
  const lines = await fairLines(redis, new FairKeys(queue.prefix, queue.queueName));
  const sizes = await pipelined(
    redis,
    lines.flatMap((l) => l.rooms.map((room) => ['llen', room])),
  );
  let next = 0;
  return lines
    .map((l) => {
      const own = sizes.slice(next, (next += l.rooms.length));
      const waiting = own.reduce<number>((sum, n) => sum + Number(n ?? 0), 0);
      return { tenant: l.tenant, account: l.account, waiting };
    })
    .filter((l) => l.waiting > 0);
}

/**
 * Ids of parked edits: the first `perRoom` of each room (the next to be admitted of each priority
 * of each tenant), rooms in the order of {@link fairBacklog}'s lines.
 */
export async function parkedIds(
  redis: Redis | Cluster,
  queue: { prefix: string; queueName: string },
  perRoom: number,
): Promise<string[]> {
  const lines = await fairLines(redis, new FairKeys(queue.prefix, queue.queueName));
  const heads = await pipelined(
    redis,
    lines.flatMap((l) => l.rooms.map((room) => ['lrange', room, '0', String(perRoom - 1)])),
  );
  return heads.flatMap((ids) => (ids as string[] | undefined) ?? []);
}

/** Runs commands in one pipeline and returns their results; the first error is thrown. */
async function pipelined(redis: Redis | Cluster, commands: string[][]): Promise<unknown[]> {
  if (commands.length === 0) return [];
  const replies = (await redis.pipeline(commands).exec()) ?? [];
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/**
 * Admits up to `ARGV[2] − ZCARD(admitted)` edits of a domain by start-time fair queuing over its
 * tenants: each tenant with waiting edits (in any of the domain's accounts) has a start tag
 * `S = max(V, F[tenant])`; the tenant with the smallest tag (its name breaks ties) gives its most
 * urgent edit (the head of its rooms with the lowest BullMQ `timestamp` of the job plus the
 * room's {@link priorityHandicap}), then `F[tenant] = S + 1/weight` and `V = S`. A tenant at its
 * in-flight limit is passed over. An admitted edit goes back into BullMQ's delayed set, due now
 * (the dispatcher then promotes it; should it not, BullMQ's workers do); an id whose job is gone
 * (cancelled, removed) is dropped. Returns whether edits still wait (`1` or `0`; `1` when the
 * window is full, unlooked), then the admitted ids with their tenants, as
 * `id, tenant, id, tenant, …`.
 *
 * KEYS[1] admitted, KEYS[2] vt, KEYS[3] BullMQ's delayed set, KEYS[4…] the `tenants:<account>`
 * sets of the domain's accounts. ARGV[1] now (ms), ARGV[2] most admitted at once, ARGV[3] key
 * base, ARGV[4] domain, ARGV[5] the default weight, ARGV[6] default in-flight limit (0: none),
 * ARGV[7] the job key prefix, then `tenant, weight, limit` triples. Every key it builds shares the
 * base's hash tag, and so the declared keys' slot.
 */
const ADMIT = new RedisScript(`
local now = tonumber(ARGV[1])
local room_left = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1])
if room_left <= 0 then return { '1' } end
local base, domain, job = ARGV[3], ARGV[4], ARGV[7]
local weights, limits = {}, {}
for i = 8, #ARGV, 3 do
  weights[ARGV[i]] = tonumber(ARGV[i + 1])
  limits[ARGV[i]] = tonumber(ARGV[i + 2])
end
local function weight(t) return weights[t] or tonumber(ARGV[5]) end
local function limit(t) return limits[t] or tonumber(ARGV[6]) end
-- Tenants with waiting edits, and their non-empty rooms with the rooms' handicaps.
local rooms = {}
for i = 4, #KEYS do
  local account = string.sub(KEYS[i], #base + 10)
  for _, t in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    local hset = base .. ':handicaps:' .. account .. ':' .. t
    for _, h in ipairs(redis.call('SMEMBERS', hset)) do
      local room = base .. ':room:' .. account .. ':' .. t .. ':' .. h
      if redis.call('LLEN', room) > 0 then
        rooms[t] = rooms[t] or {}
        table.insert(rooms[t], { key = room, handicap = tonumber(h) })
      else
        redis.call('SREM', hset, h)
      end
    end
    if rooms[t] == nil then redis.call('SREM', KEYS[i], t) end
  end
end
local v = tonumber(redis.call('HGET', KEYS[2], '__v') or '0')
local out = { '0' }
while room_left > 0 do
  local best, best_s = nil, nil
  for t, list in pairs(rooms) do
    local lim = limit(t)
    local busy = lim > 0 and redis.call('ZCARD', base .. ':inflight:' .. domain .. ':' .. t) >= lim
    if not busy then
      local s = math.max(v, tonumber(redis.call('HGET', KEYS[2], t) or '0'))
      if best == nil or s < best_s or (s == best_s and t < best) then best, best_s = t, s end
    end
  end
  if best == nil then break end
  local pick, pick_score = nil, nil
  for _, room in ipairs(rooms[best]) do
    local head = redis.call('LINDEX', room.key, 0)
    if head then
      -- A head whose job is gone scores lowest: it is dropped first.
      local ts = tonumber(redis.call('HGET', job .. head, 'timestamp') or '0')
      local score = ts + room.handicap
      if pick_score == nil or score < pick_score then pick, pick_score = room, score end
    end
  end
  local id = redis.call('LPOP', pick.key)
  if redis.call('EXISTS', job .. id) == 1 then
    redis.call('ZADD', KEYS[3], now * 0x1000, id)
    redis.call('ZADD', KEYS[1], now, id)
    redis.call('ZADD', base .. ':inflight:' .. domain .. ':' .. best, now, id)
    redis.call('HSET', KEYS[2], best, tostring(best_s + 1 / weight(best)))
    v = best_s
    out[#out + 1] = id
    out[#out + 1] = best
    room_left = room_left - 1
  end
  local left = {}
  for _, room in ipairs(rooms[best]) do
    if redis.call('LLEN', room.key) > 0 then table.insert(left, room) end
  end
  if #left == 0 then rooms[best] = nil else rooms[best] = left end
end
redis.call('HSET', KEYS[2], '__v', tostring(v))
if next(rooms) ~= nil then out[1] = '1' end
return out
`);

/** A tenant's share and its limit of edits in flight (0: none). */
export interface TenantShare {
  weight: number;
  maxInFlight: number;
}

export interface AdmitRequest {
  domain: string;
  accounts: readonly string[];
  /** Most edits admitted and not yet submitted, for the whole domain. */
  window: number;
  defaults: TenantShare;
  tenants: Readonly<Record<string, TenantShare>>;
}

/** What one admission round did: the edits it admitted, and whether edits still wait. */
export interface Admission {
  admitted: { id: string; tenant: string }[];
  /** Edits still wait for admission (or the window was full): worth another round soon. */
  waiting: boolean;
}

/** Admits the next edits of a domain, fairly. */
export async function admitEdits(
  redis: Redis | Cluster,
  keys: FairKeys,
  request: AdmitRequest,
): Promise<Admission> {
  const args: (string | number)[] = [
    Date.now(),
    request.window,
    keys.base,
    request.domain,
    request.defaults.weight,
    request.defaults.maxInFlight,
    keys.job,
  ];
  for (const [tenant, share] of Object.entries(request.tenants)) {
    args.push(tenant, share.weight, share.maxInFlight);
  }
  const reply = (await ADMIT.run(
    redis,
    [
      keys.admitted(request.domain),
      keys.vt(request.domain),
      keys.delayed,
      ...request.accounts.map((a) => keys.tenants(a)),
    ],
    args,
  )) as string[];
  const admitted: Admission['admitted'] = [];
  for (let i = 1; i < reply.length; i += 2) {
    admitted.push({ id: reply[i]!, tenant: reply[i + 1]! });
  }
  return { admitted, waiting: reply[0] === '1' };
}

/**
 * How long an edit a worker parks waits delayed before it is parked: the worker moves it to the
 * delayed set due this far out, then parks it at once, taking it out of the delayed set. The delay
 * only matters if the park never happened (the worker killed, or Redis gone, in between): the
 * edit then wakes, finds itself not admitted and parks itself again, so it is late by this much
 * at most. A worker parks at most its concurrency at once, so wakes drawn between this and twice
 * this do not come as a herd.
 */
export const PARK_RECHECK_MS = 30_000;

/** A parked edit's first recheck: between one and two {@link PARK_RECHECK_MS} from now. */
export function parkRecheckDelay(): number {
  return PARK_RECHECK_MS + Math.floor(Math.random() * PARK_RECHECK_MS);
}

/**
 * What the step machine asks of fair dispatch: whether an edit was admitted, to park one that
 * was not, to release its admission once its POST is recorded, and its place in flight once it
 * ends.
 */
export class FairGate {
  readonly keys: FairKeys;
  constructor(
    private readonly redis: Redis | Cluster,
    prefix: string,
    queueName: string,
  ) {
    this.keys = new FairKeys(prefix, queueName);
  }

  async admitted(editId: string, domain: string): Promise<boolean> {
    return (await this.redis.zscore(this.keys.admitted(domain), editId)) !== null;
  }

  /** Parks an edit a worker has just put back in the delayed set. */
  async park(edit: ParkedEdit): Promise<void> {
    await parkEdits(this.redis, this.keys, [edit], { fresh: false });
  }

  async submitted(editId: string, domain: string): Promise<void> {
    await this.redis.zrem(this.keys.admitted(domain), editId);
  }

  async ended(editId: string, domain: string, tenant: string): Promise<void> {
    await this.redis.zrem(this.keys.inflight(domain, tenant), editId);
  }
}
