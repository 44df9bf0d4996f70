import type { Logger } from '@darkroom/observability';
import type { Consumer } from './consumer';

/**
 * Stops the consumer taking jobs and waits for the ones in flight, at most `timeoutMs`.
 *
 * Waiting is short: a job holds a slot for one HTTP call at most, since jobs between polls wait
 * as delayed jobs in Redis, not in a slot. Past the deadline the calls in flight are aborted; the
 * step machine puts each aborted job back as a delayed job with its state.
 *
 * @returns `drained` when every job settled in time, `aborted` when the deadline cut them off.
 */
export async function drainConsumer(
  consumer: Pick<Consumer, 'close' | 'abort' | 'active'>,
  timeoutMs: number,
  logger: Logger,
): Promise<'drained' | 'aborted'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([consumer.close().then(() => 'drained' as const), deadline]);
    if (outcome === 'drained') return 'drained';
  } finally {
    clearTimeout(timer);
  }
  logger.warn({ active: consumer.active() }, 'drain deadline passed; aborting in-flight calls');
  await consumer.abort('shutdown');
  return 'aborted';
}
