import type { RedisConnection } from '@darkroom/jobs';
import type { Consumer } from './consumer';
import type { Watchdog } from './watchdog';

/** Readiness as `/readyz` reports it: `reasons` name everything that is wrong, empty when ready. */
export interface Readiness {
  ready: boolean;
  reasons: string[];
}

/** What readiness looks at. */
export interface ReadinessOptions {
  redis: Pick<RedisConnection, 'ping'>;
  consumer: Pick<Consumer, 'isRunning'>;
  watchdog: Pick<Watchdog, 'isWedged'>;
  /** True once the worker has begun to shut down. */
  stopping: () => boolean;
  /**
   * How long Redis gets to answer a PING; a probe must answer before the kubelet's timeout.
   * @defaultValue 500
   */
  pingTimeoutMs?: number;
}

/** Whether Redis answers a PING within `ms`; a failed or late answer is false, never a throw. */
export async function pingWithin(
  redis: Pick<RedisConnection, 'ping'>,
  ms: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      redis.ping().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The readiness check behind `/readyz`: a worker is ready when it is not shutting down, Redis
 * answers, and its consumer runs and is not wedged, so a worker that could not take jobs shows
 * as not ready instead of looking healthy.
 */
export function createReadiness(options: ReadinessOptions): () => Promise<Readiness> {
  const pingTimeoutMs = options.pingTimeoutMs ?? 500;
  return async () => {
    const reasons: string[] = [];
    if (options.stopping()) reasons.push('shutting down');
    if (!(await pingWithin(options.redis, pingTimeoutMs))) reasons.push('redis unreachable');
    if (options.watchdog.isWedged()) reasons.push('consumer wedged: jobs wait but none is taken');
    if (!options.consumer.isRunning()) reasons.push('consumer not running');
    return { ready: reasons.length === 0, reasons };
  };
}
