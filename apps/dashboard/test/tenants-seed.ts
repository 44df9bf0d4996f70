import { closeOnce } from '@darkroom/core';
import { FairKeys, TenantUsage, parkEdits } from '@darkroom/jobs';
import { redisClient, uniqueName } from '@darkroom/testing';
import { type Redis } from 'ioredis';
import { PREFIX } from './seed-queue';

/** A tenant name that would run script if a page printed it raw. */
export const HOSTILE_TENANT = '<img src=x onerror="alert(1)">&co';

export interface SeededTenants {
  queue: string;
  redis: Redis;
  close(): Promise<void>;
}

/**
 * A fresh queue name with tenants' lines and usage written the way Darkroom writes them:
 * `acme` has 3 edits waiting on acct-a and 1 on acct-b, usage this hour (5 completed, 1 failed,
 * 12 submits, 2 429s) and 3 hours ago (4 completed, 1 failed, 3 429s); `globex` has usage this
 * hour only (2 completed, 6 submits); {@link HOSTILE_TENANT} has 2 edits waiting and no usage.
 */
export async function seedTenants(): Promise<SeededTenants> {
  const queue = uniqueName('darkroom-edits');
  const redis = redisClient();
  const keys = new FairKeys(PREFIX, queue);
  // As an enqueue leaves them: a job hash, in BullMQ's delayed set, then parked.
  const park = async (tenant: string, account: string, count: number): Promise<void> => {
    const edits = Array.from({ length: count }, (_, i) => ({
      id: `${tenant}-${account}-${i}`,
      tenant,
      account,
    }));
    for (const e of edits) {
      await redis.hset(`${keys.job}${e.id}`, 'timestamp', Date.now());
      await redis.zadd(keys.delayed, (Date.now() + 3_600_000) * 0x1000, e.id);
    }
    await parkEdits(redis, keys, edits, { fresh: true });
  };
  await park('acme', 'acct-a', 3);
  await park('acme', 'acct-b', 1);
  await park(HOSTILE_TENANT, 'acct-a', 2);

  const usage = new TenantUsage({ redis, prefix: PREFIX, queueName: queue });
  await usage.record('acme', { edits_completed: 5, edits_failed: 1, submits: 12, rate_limited: 2 });
  await usage.record('globex', { edits_completed: 2, submits: 6 });
  const earlier = new TenantUsage({
    redis,
    prefix: PREFIX,
    queueName: queue,
    now: () => Date.now() - 3 * 3_600_000,
  });
  await earlier.record('acme', { edits_completed: 4, edits_failed: 1, rate_limited: 3 });

  return {
    queue,
    redis,
    close: closeOnce(async () => {
      const doomed = await redis.keys(`${PREFIX}:${queue}:*`);
      if (doomed.length > 0) await redis.del(...doomed);
      await redis.quit();
    }),
  };
}
