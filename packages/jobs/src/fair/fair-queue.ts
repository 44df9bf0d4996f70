import type { Cluster, Redis } from 'ioredis';
import { RedisScript } from '../redis-script';

/**
 * How long an edit that parked itself stays delayed: far beyond any real wait. It leaves the
 * delayed set when the dispatcher admits (promotes) it.
 */
export const PARKED_DELAY_MS = 10 * 365 * 24 * 3600 * 1000;

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

/** A room's score: enqueue time plus the priority's handicap. */
export function roomScore(enqueuedAt: number, priority: number | undefined): number {
  const handicap = ((priority ?? DEFAULT_PRIORITY) - 1) * PRIORITY_STEP_MS;
  return enqueuedAt + Math.min(handicap, MAX_PRIORITY_HANDICAP_MS);
}

/** Where an edit waits for admission: its account (the budget it will draw on) and tenant. */
export interface ParkedEdit {
  id: string;
  account: string;
  tenant: string;
  score: number;
}

/**
 * The key layout of fair dispatch, beside the queue's own keys (`<prefix>:<queue>:fair:…`), so a
 * hash-tagged prefix (`{darkroom}`) keeps every key of a queue, and so of an organisation, in one
 * Redis Cluster slot:
 * - `room:<account>:<tenant>`: sorted set of waiting edit ids by {@link roomScore};
 * - `tenants:<account>`: set of tenants with a non-empty room for that account, and `accounts`,
 *   the accounts that ever had one;
 * - `admitted:<domain>`: sorted set of edits admitted and not yet submitted, by admission time
 *   (`domain` is the budget the accounts share: an organisation);
 * - `inflight:<domain>:<tenant>`: sorted set of a tenant's admitted edits until they end;
 * - `vt:<domain>`: hash of each tenant's virtual finish time, and `__v`, the domain's virtual time.
 */
export class FairKeys {
  readonly base: string;
  constructor(prefix: string, queueName: string) {
    this.base = `${prefix}:${queueName}:fair`;
  }
  room(account: string, tenant: string): string {
    return `${this.base}:room:${account}:${tenant}`;
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
 * Parks edits: each id into its room (NX: an edit already waiting keeps its place), its tenant
 * into the account's set and the account into the queue's set. KEYS[1] the accounts set, then
 * room, tenants pairs; ARGV: id, score, tenant, account quadruples.
 */
const PARK = new RedisScript(`
for i = 2, #KEYS, 2 do
  local j = (i - 2) / 2 * 4
  redis.call('ZADD', KEYS[i], 'NX', ARGV[j + 2], ARGV[j + 1])
  redis.call('SADD', KEYS[i + 1], ARGV[j + 3])
  redis.call('SADD', KEYS[1], ARGV[j + 4])
end
return (#KEYS - 1) / 2
`);

export async function parkEdits(
  redis: Redis | Cluster,
  keys: FairKeys,
  edits: readonly ParkedEdit[],
): Promise<void> {
  if (edits.length === 0) return;
  const k: string[] = [keys.accounts()];
  const a: (string | number)[] = [];
  for (const e of edits) {
    k.push(keys.room(e.account, e.tenant), keys.tenants(e.account));
    a.push(e.id, e.score, e.tenant, e.account);
  }
  await PARK.run(redis, k, a);
}

/**
 * Edits waiting for admission, per account and tenant (for `darkroom watch`, the dashboard and
 * `EditQueue.counts()`): three round trips however many tenants there are.
 */
export async function fairBacklog(
  redis: Redis | Cluster,
  queue: { prefix: string; queueName: string },
): Promise<{ tenant: string; account: string; waiting: number }[]> {
  const keys = new FairKeys(queue.prefix, queue.queueName);
  const accounts = (await redis.smembers(keys.accounts())).sort();
  if (accounts.length === 0) return [];
  const lists = await pipelined(
    redis,
    accounts.map((a) => ['smembers', keys.tenants(a)]),
  );
  const lines = accounts.flatMap((account, i) =>
    ((lists[i] as string[] | undefined) ?? []).sort().map((tenant) => ({ account, tenant })),
  );
  const sizes = await pipelined(
    redis,
    lines.map((l) => ['zcard', keys.room(l.account, l.tenant)]),
  );
  return lines
    .map((l, i) => ({ tenant: l.tenant, account: l.account, waiting: Number(sizes[i] ?? 0) }))
    .filter((l) => l.waiting > 0);
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
 * urgent edit (the lowest room score among its accounts' rooms), then `F[tenant] = S + 1/weight`
 * and `V = S`. A tenant at its in-flight limit is passed over. Returns the admitted ids with their
 * tenants, as `id, tenant, id, tenant, …`.
 *
 * KEYS[1] admitted, KEYS[2] vt, KEYS[3…] the `tenants:<account>` sets of the domain's accounts.
 * ARGV[1] now (ms), ARGV[2] most admitted at once, ARGV[3] key base, ARGV[4] domain, ARGV[5] the
 * default weight, ARGV[6] default in-flight limit (0: none), then `tenant, weight, limit` triples.
 * Every key it builds shares the base's hash tag, and so the declared keys' slot.
 */
const ADMIT = new RedisScript(`
local now = tonumber(ARGV[1])
local room_left = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1])
if room_left <= 0 then return {} end
local base, domain = ARGV[3], ARGV[4]
local weights, limits = {}, {}
for i = 7, #ARGV, 3 do
  weights[ARGV[i]] = tonumber(ARGV[i + 1])
  limits[ARGV[i]] = tonumber(ARGV[i + 2])
end
local function weight(t) return weights[t] or tonumber(ARGV[5]) end
local function limit(t) return limits[t] or tonumber(ARGV[6]) end
local accounts = {}
for i = 3, #KEYS do
  accounts[#accounts + 1] = string.sub(KEYS[i], #base + 10)
end
-- Tenants with waiting edits, and the rooms each has.
local rooms = {}
for i = 3, #KEYS do
  local account = accounts[i - 2]
  for _, t in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    local room = base .. ':room:' .. account .. ':' .. t
    if redis.call('ZCARD', room) > 0 then
      rooms[t] = rooms[t] or {}
      table.insert(rooms[t], room)
    else
      redis.call('SREM', KEYS[i], t)
    end
  end
end
local v = tonumber(redis.call('HGET', KEYS[2], '__v') or '0')
local out = {}
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
  local pick_room, pick_score = nil, nil
  for _, room in ipairs(rooms[best]) do
    local head = redis.call('ZRANGE', room, 0, 0, 'WITHSCORES')
    if head[1] and (pick_score == nil or tonumber(head[2]) < pick_score) then
      pick_room, pick_score = room, tonumber(head[2])
    end
  end
  local id = redis.call('ZPOPMIN', pick_room)[1]
  redis.call('ZADD', KEYS[1], now, id)
  redis.call('ZADD', base .. ':inflight:' .. domain .. ':' .. best, now, id)
  redis.call('HSET', KEYS[2], best, tostring(best_s + 1 / weight(best)))
  v = best_s
  out[#out + 1] = id
  out[#out + 1] = best
  room_left = room_left - 1
  local left = {}
  for _, room in ipairs(rooms[best]) do
    if redis.call('ZCARD', room) > 0 then table.insert(left, room) end
  end
  if #left == 0 then rooms[best] = nil else rooms[best] = left end
end
redis.call('HSET', KEYS[2], '__v', tostring(v))
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

/** Admits the next edits of a domain, fairly; returns them with their tenants. */
export async function admitEdits(
  redis: Redis | Cluster,
  keys: FairKeys,
  request: AdmitRequest,
): Promise<{ id: string; tenant: string }[]> {
  const args: (string | number)[] = [
    Date.now(),
    request.window,
    keys.base,
    request.domain,
    request.defaults.weight,
    request.defaults.maxInFlight,
  ];
  for (const [tenant, share] of Object.entries(request.tenants)) {
    args.push(tenant, share.weight, share.maxInFlight);
  }
  const reply = (await ADMIT.run(
    redis,
    [
      keys.admitted(request.domain),
      keys.vt(request.domain),
      ...request.accounts.map((a) => keys.tenants(a)),
    ],
    args,
  )) as string[];
  const out: { id: string; tenant: string }[] = [];
  for (let i = 0; i < reply.length; i += 2) out.push({ id: reply[i]!, tenant: reply[i + 1]! });
  return out;
}

/**
 * How long an edit parked at enqueue stays delayed at least if the dispatcher does not admit it
 * first: it then wakes, finds itself not admitted and parks itself (in the line its enqueue may
 * have missed, if that was cut short between the add and the park). Each edit draws its wake
 * between this and twice this, so a backlog enqueued at once does not wake at once.
 */
export const PARK_RECHECK_MS = 30 * 60 * 1000;

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

  park(edit: ParkedEdit): Promise<void> {
    return parkEdits(this.redis, this.keys, [edit]);
  }

  async submitted(editId: string, domain: string): Promise<void> {
    await this.redis.zrem(this.keys.admitted(domain), editId);
  }

  async ended(editId: string, domain: string, tenant: string): Promise<void> {
    await this.redis.zrem(this.keys.inflight(domain, tenant), editId);
  }
}
