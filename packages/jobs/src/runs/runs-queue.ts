import { Queue } from 'bullmq';
import type { RedisConnection } from '../redis-connection';
import { runsQueueName, type RecipeRunData, type RecipeRunResult } from './run-data';

/** The BullMQ queue of recipe runs beside the edits queue `queueName`, on `redis`. */
export function openRunsQueue(
  redis: RedisConnection,
  prefix: string,
  queueName: string,
): Queue<RecipeRunData, RecipeRunResult> {
  const queue = new Queue<RecipeRunData, RecipeRunResult>(runsQueueName(queueName), {
    connection: redis,
    prefix,
  });
  // Connection errors surface through the calls instead.
  queue.on('error', () => undefined);
  return queue;
}
