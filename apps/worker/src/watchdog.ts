import type { Queue } from 'bullmq';
import type { Logger } from '@darkroom/observability';
import type { Consumer } from './consumer';

/** What the watchdog reads and restarts. */
export interface WatchdogOptions {
  /** Jobs a consumer may take right now (none while the queue is paused); rejects while Redis is unreachable. */
  backlog: () => Promise<number>;
  consumer: Pick<Consumer, 'active' | 'lastPickupAt' | 'restart'>;
  concurrency: number;
  /** How long a consumer may take nothing while jobs wait before it counts as wedged. */
  wedgeAfterMs: number;
  logger: Logger;
}

/** A running watchdog. */
export interface Watchdog {
  /** Whether the last check found the consumer wedged; `/readyz` reports it. */
  isWedged(): boolean;
  /** Runs one check now, restarting a wedged consumer; the timer runs the same check. */
  check(): Promise<void>;
  /** Stops the timer; a check already under way no longer restarts the consumer. */
  stop(): void;
}

/**
 * Jobs waiting to be taken: plain waiting jobs and prioritized ones, or none while the queue is
 * paused. A paused queue keeps its jobs in the wait list, yet no consumer may take them: counting
 * them would make every consumer of a paused queue look wedged.
 */
export async function waitingBacklog(
  queue: Pick<Queue, 'getJobCounts' | 'isPaused'>,
): Promise<number> {
  if (await queue.isPaused()) return 0;
  const counts = await queue.getJobCounts('waiting', 'prioritized');
  return (counts.waiting ?? 0) + (counts.prioritized ?? 0);
}

/**
 * Watches for a consumer that stopped taking jobs: jobs wait, slots are free, yet nothing was
 * picked up for `wedgeAfterMs`. That is the silent consumer reported against BullMQ after Redis
 * outages; the watchdog replaces it in-process instead of waiting for a pod restart.
 *
 * Idle time counts from the last pick-up or from the check that first saw jobs waiting, whichever
 * is later: a worker idle for an hour has not failed to take a job that arrived a moment ago.
 *
 * It checks every half `wedgeAfterMs` (at most every 5 s), on a timer that does not keep the
 * process alive.
 */
export function startWatchdog(options: WatchdogOptions): Watchdog {
  const { consumer, concurrency, wedgeAfterMs, logger } = options;
  let wedged = false;
  let stopped = false;
  /** When a check first saw jobs waiting, since the last check that saw none. */
  let waitingSince: number | undefined;

  const check = async (): Promise<void> => {
    try {
      const backlog = await options.backlog();
      const now = Date.now();
      waitingSince = backlog > 0 ? (waitingSince ?? now) : undefined;
      const idleMs = now - Math.max(consumer.lastPickupAt(), waitingSince ?? now);
      wedged = backlog > 0 && consumer.active() < concurrency && idleMs > wedgeAfterMs;
      if (wedged && !stopped) {
        logger.error({ backlog, idleMs }, 'consumer took no job while jobs wait; restarting it');
        await consumer.restart();
      }
    } catch {
      // Redis is down: /readyz reports it and the consumer reconnects by itself.
    }
  };

  const timer = setInterval(() => void check(), Math.min(5_000, wedgeAfterMs / 2));
  timer.unref();
  return {
    isWedged: () => wedged,
    check,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
