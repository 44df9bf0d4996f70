import { DEFAULT_PREFIX } from '@darkroom/jobs';
import { redisClient } from '@darkroom/testing';

/**
 * Deletes every key of a test queue, BullMQ's and Darkroom's own beside them (fair lines,
 * quotas, usage), which `obliterate` does not know about.
 */
export async function dropQueueKeys(queueName: string, prefix = DEFAULT_PREFIX): Promise<void> {
  const redis = redisClient();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${prefix}:${queueName}:*`,
        'COUNT',
        1000,
      );
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
