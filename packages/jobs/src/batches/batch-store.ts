import type { Cluster, Redis } from 'ioredis';
import { RedisScript } from '../redis-script';
import type { BatchMember } from './batch-member';

/** How an edit of a batch ended; a cancelled edit is not counted as failed. */
export type BatchOutcome = 'completed' | 'failed' | 'cancelled';

export type BatchOutcomes = Record<BatchOutcome, number>;

/** A batch as it is created. */
export interface NewBatch {
  id: string;
  /** The edits the batch created, in input order; each one's index is its place here. */
  memberIds: readonly string[];
  createdAt: number;
  /** How long the record lives from now: past every member's deadline, plus `retentionMs`. */
  ttlMs: number;
  /** How long the record lives once the batch has ended: as long as its edits are kept. */
  retentionMs: number;
  /** Where the `batch.completed` callback goes (the application's own endpoint). */
  callbackUrl?: string;
}

/** What Redis holds of a batch. */
export interface BatchRecord {
  id: string;
  total: number;
  memberIds: string[];
  createdAt: number;
  /** When the last of its edits ended (first ends only: a retried edit does not count again). */
  completedAt?: number;
  callbackUrl?: string;
  /** How each edit ended the first time it did. */
  ended: BatchOutcomes;
  /** When the end was announced (`batch.completed` queued, or nothing to queue). */
  notifiedAt?: number;
}

/**
 * One edit of a batch ended: its bit in the batch's ended map is set, and only if it was not set
 * before (a retried edit ending again, a stalled end run twice) are its outcome and the batch's
 * `ended` counted. Returns 1 while the batch has ended and its end is not yet announced, so the
 * caller that sees the last end, or runs again after dying before announcing it, announces it.
 * KEYS[1] the batch hash, KEYS[2] its ended bitmap; ARGV[1] the index, ARGV[2] the outcome,
 * ARGV[3] now (ms). A batch gone (expired) counts nothing.
 */
const MEMBER_ENDED = new RedisScript(`
local total = tonumber(redis.call('HGET', KEYS[1], 'total'))
local index = tonumber(ARGV[1])
if total == nil or index == nil or index < 0 or index >= total then return 0 end
if redis.call('SETBIT', KEYS[2], index, 1) == 0 then
  redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
  if redis.call('HINCRBY', KEYS[1], 'ended', 1) == total then
    redis.call('HSET', KEYS[1], 'completedAt', ARGV[3])
    redis.call('PEXPIRE', KEYS[1], redis.call('HGET', KEYS[1], 'retentionMs'))
  end
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
if tonumber(redis.call('HGET', KEYS[1], 'ended')) == total
  and redis.call('HEXISTS', KEYS[1], 'notifiedAt') == 0 then return 1 end
return 0
`);

/** HSET only on a batch that still exists: else it would leave a stray key without a TTL. */
const MARK_NOTIFIED = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'notifiedAt', ARGV[1])
return 1
`);

/**
 * Batches in Redis, beside the queue's keys (`<prefix>:<queue>:batch:<id>`, one hash tag): a
 * hash per batch (its member ids as one space-separated field, about 37 bytes an edit, the
 * counts by outcome and the callback URL) and a bitmap of which members have ended (a bit an
 * edit). Both expire: past the members' deadlines plus their retention, then, once the batch
 * has ended, after the retention of its edits.
 */
export class BatchStore {
  private readonly redis: Redis | Cluster;
  private readonly base: string;

  constructor(options: { redis: Redis | Cluster; prefix: string; queueName: string }) {
    this.redis = options.redis;
    this.base = `${options.prefix}:${options.queueName}:batch`;
  }

  key(id: string): string {
    return `${this.base}:${id}`;
  }

  endedKey(id: string): string {
    return `${this.base}:${id}:ended`;
  }

  /** Stores a new batch; one with no members has ended when it is created. */
  async create(batch: NewBatch): Promise<void> {
    const empty = batch.memberIds.length === 0;
    const fields: Record<string, string | number> = {
      total: batch.memberIds.length,
      ids: batch.memberIds.join(' '),
      createdAt: batch.createdAt,
      retentionMs: batch.retentionMs,
      ended: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
      ...(batch.callbackUrl ? { callbackUrl: batch.callbackUrl } : {}),
      ...(empty ? { completedAt: batch.createdAt } : {}),
    };
    await this.redis
      .multi()
      .hset(this.key(batch.id), fields)
      .pexpire(this.key(batch.id), empty ? batch.retentionMs : batch.ttlMs)
      .exec();
  }

  /** Takes back a batch whose edits could not be added. */
  async remove(id: string): Promise<void> {
    await this.redis.del(this.key(id), this.endedKey(id));
  }

  /** The batch, or null when there is none (never created, or expired). */
  async read(id: string): Promise<BatchRecord | null> {
    const raw = await this.redis.hgetall(this.key(id));
    if (raw.total === undefined) return null;
    const count = (field: string) => Number(raw[field] ?? 0);
    return {
      id,
      total: count('total'),
      memberIds: raw.ids ? raw.ids.split(' ') : [],
      createdAt: count('createdAt'),
      ...(raw.completedAt ? { completedAt: count('completedAt') } : {}),
      ...(raw.callbackUrl ? { callbackUrl: raw.callbackUrl } : {}),
      ended: {
        completed: count('completed'),
        failed: count('failed'),
        cancelled: count('cancelled'),
      },
      ...(raw.notifiedAt ? { notifiedAt: count('notifiedAt') } : {}),
    };
  }

  /**
   * Counts one member's end (atomically: several workers may end members at once, and an end
   * can run twice). True when the batch has ended and its end is still to be announced: the
   * caller announces it, then calls {@link markNotified}.
   */
  async memberEnded(
    member: BatchMember,
    outcome: BatchOutcome,
    now = Date.now(),
  ): Promise<boolean> {
    const keys = [this.key(member.id), this.endedKey(member.id)];
    return Number(await MEMBER_ENDED.run(this.redis, keys, [member.index, outcome, now])) === 1;
  }

  /** Notes that the batch's end was announced; a batch that expired meanwhile is left gone. */
  async markNotified(id: string, now = Date.now()): Promise<void> {
    await MARK_NOTIFIED.run(this.redis, [this.key(id)], [now]);
  }
}
