import type { Cluster, Redis } from 'ioredis';
import {
  BEGIN_ATTEMPT,
  CREATE_DELIVERY,
  REVIVE_DELIVERY,
  UPDATE_DELIVERY,
} from './delivery-scripts';
import { toDeliveryView, type DeliveryState, type DeliveryView } from './delivery-view';
import type { CallbackType } from './envelope';

/** A new delivery's record. */
export interface NewDelivery {
  deliveryId: string;
  editId: string;
  type: CallbackType;
  target: string;
  now: number;
}

/** A change of state after an attempt. */
export interface DeliveryUpdate {
  state: Exclude<DeliveryState, 'pending'>;
  now: number;
  status?: number;
  error?: string;
  nextAttemptAt?: number;
}

/** One page of dead deliveries, oldest first. */
export interface DeadPage {
  items: DeliveryView[];
  /** Pass back to read the next page; absent on the last page. */
  cursor?: string;
}

/**
 * Delivery state in Redis: a hash per delivery (no URL beyond origin and path, no secret), a
 * pointer from each edit to its latest delivery, and a sorted set of dead deliveries by the time
 * they died. Finished records expire after `retentionMs`.
 */
export class DeliveryStore {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly base: string,
    private readonly retentionMs: number,
  ) {}

  private hashKey(deliveryId: string): string {
    return `${this.base}:delivery:${deliveryId}`;
  }
  private pointerKey(editId: string): string {
    return `${this.base}:edit:${editId}`;
  }
  private get deadKey(): string {
    return `${this.base}:dead`;
  }

  /** Records a pending delivery; returns the state of an existing one instead (nothing changed). */
  async create(d: NewDelivery): Promise<DeliveryState | undefined> {
    const fields = {
      deliveryId: d.deliveryId,
      editId: d.editId,
      type: d.type,
      state: 'pending',
      attempts: '0',
      target: d.target,
      createdAt: String(d.now),
      since: String(d.now),
    };
    const found = (await this.redis.eval(
      CREATE_DELIVERY,
      2,
      this.hashKey(d.deliveryId),
      this.pointerKey(d.editId),
      d.deliveryId,
      ...Object.entries(fields).flat(),
    )) as DeliveryState | null;
    return found ?? undefined;
  }

  /** Counts one attempt; undefined when the delivery is not owed any more. */
  async beginAttempt(deliveryId: string): Promise<{ attempts: number; since: number } | undefined> {
    const found = (await this.redis.eval(BEGIN_ATTEMPT, 1, this.hashKey(deliveryId))) as
      [number, string] | null;
    return found ? { attempts: Number(found[0]), since: Number(found[1]) } : undefined;
  }

  /** Writes the outcome of an attempt: retrying, delivered (expires later) or dead (listed). */
  async update(deliveryId: string, editId: string, u: DeliveryUpdate): Promise<void> {
    const set: Record<string, string> = { state: u.state };
    const drop = ['nextAttemptAt'];
    if (u.status !== undefined) set.lastStatus = String(u.status);
    else drop.push('lastStatus');
    if (u.error !== undefined) set.lastError = u.error;
    else drop.push('lastError');
    if (u.nextAttemptAt !== undefined) set.nextAttemptAt = String(u.nextAttemptAt);
    if (u.state === 'delivered') set.deliveredAt = String(u.now);
    if (u.state === 'dead') set.deadAt = String(u.now);
    const finished = u.state !== 'retrying';
    const unset = drop.filter((f) => !(f in set));
    await this.redis.eval(
      UPDATE_DELIVERY,
      3,
      this.hashKey(deliveryId),
      this.pointerKey(editId),
      this.deadKey,
      deliveryId,
      finished ? String(this.retentionMs) : '',
      u.state === 'dead' ? String(u.now) : '',
      String(unset.length),
      ...unset,
      ...Object.entries(set).flat(),
    );
  }

  /** Makes a dead delivery pending again; returns the state it found (undefined: no record). */
  async revive(
    deliveryId: string,
    editId: string,
    now: number,
  ): Promise<DeliveryState | undefined> {
    const found = (await this.redis.eval(
      REVIVE_DELIVERY,
      3,
      this.hashKey(deliveryId),
      this.pointerKey(editId),
      this.deadKey,
      deliveryId,
      String(now),
    )) as DeliveryState | null;
    return found ?? undefined;
  }

  async latestOf(editId: string): Promise<DeliveryView | undefined> {
    const deliveryId = await this.redis.get(this.pointerKey(editId));
    return deliveryId ? this.get(deliveryId) : undefined;
  }

  async get(deliveryId: string): Promise<DeliveryView | undefined> {
    return toDeliveryView(await this.redis.hgetall(this.hashKey(deliveryId)));
  }

  /** Dead deliveries oldest first; entries whose record expired are dropped on the way. */
  async listDead(limit: number, cursor: string | undefined, now: number): Promise<DeadPage> {
    await this.redis.zremrangebyscore(this.deadKey, '-inf', `(${now - this.retentionMs}`);
    const after = decodeCursor(cursor);
    const ties = after ? await this.redis.zcount(this.deadKey, after.score, after.score) : 0;
    const flat = await this.redis.zrangebyscore(
      this.deadKey,
      after ? after.score : '-inf',
      '+inf',
      'WITHSCORES',
      'LIMIT',
      0,
      limit + ties + 1,
    );
    const rows: { id: string; score: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2)
      rows.push({ id: flat[i]!, score: Number(flat[i + 1]) });
    const next = rows.filter(
      (r) => !after || r.score > after.score || (r.score === after.score && r.id > after.id),
    );
    const page = next.slice(0, limit);
    const items: DeliveryView[] = [];
    for (const row of page) {
      const view = await this.get(row.id);
      if (view?.state === 'dead') items.push(view);
      else await this.redis.zrem(this.deadKey, row.id);
    }
    const last = page.at(-1);
    return next.length > limit && last ? { items, cursor: encodeCursor(last) } : { items };
  }
}

function encodeCursor(row: { id: string; score: number }): string {
  return Buffer.from(`${row.score}:${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { score: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString();
  const colon = text.indexOf(':');
  const score = Number(text.slice(0, colon));
  if (colon < 1 || !Number.isFinite(score))
    throw new RangeError('cursor is not one listDead returned');
  return { score, id: text.slice(colon + 1) };
}
