import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { QueueSnapshot } from '@darkroom/observability';
import { fairBacklog } from './fair/fair-queue';

/**
 * Counts per state (every one filled in, `delayed_due` and `parked` included) and the age of the job at the
 * head of the wait list, in the shape `QueueMetrics` reads on each scrape. Constant work: a few
 * counts and one small hash field, never a scan of job bodies.
 */
export async function queueSnapshot(queue: Queue, redis: Redis | Cluster): Promise<QueueSnapshot> {
  const counts = await queue.getJobCounts(
    'waiting',
    'prioritized',
    'delayed',
    'active',
    'failed',
    'completed',
  );
  // BullMQ pushes new jobs at the head of the wait list and workers take from the tail.
  const oldestId = await redis.lindex(queue.toKey('wait'), -1);
  // BullMQ scores delayed jobs as timestamp * 0x1000 + a 12-bit counter.
  const delayedDue = await redis.zcount(queue.toKey('delayed'), 0, Date.now() * 0x1000 + 0xfff);
  const lines = await fairBacklog(redis, {
    prefix: queue.opts.prefix ?? 'bull',
    queueName: queue.name,
  });
  let oldestWaitingAgeSeconds: number | null = null;
  if (oldestId) {
    const timestamp = await redis.hget(queue.toKey(oldestId), 'timestamp');
    if (timestamp) oldestWaitingAgeSeconds = Math.max(0, (Date.now() - Number(timestamp)) / 1000);
  }
  return {
    queue: queue.name,
    counts: {
      waiting: counts.waiting ?? 0,
      prioritized: counts.prioritized ?? 0,
      delayed: counts.delayed ?? 0,
      delayed_due: delayedDue,
      parked: lines.reduce((sum, l) => sum + l.waiting, 0),
      active: counts.active ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
    },
    oldestWaitingAgeSeconds,
  };
}
