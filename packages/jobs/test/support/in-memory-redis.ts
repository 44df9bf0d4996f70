import type { Redis } from 'ioredis';
import type { CallLog } from './call-log';

/**
 * The step machine's only direct Redis commands are EXISTS on a job's cancellation key and DEL
 * of it when a failed job is retried; this answers them from a set of keys a test fills, so no
 * Redis server is needed.
 */
export class InMemoryRedis {
  readonly keys = new Set<string>();

  constructor(private readonly log: CallLog) {}

  exists(...keys: string[]): Promise<number> {
    this.log.record('redis', 'exists', keys);
    return Promise.resolve(keys.filter((k) => this.keys.has(k)).length);
  }

  del(...keys: string[]): Promise<number> {
    this.log.record('redis', 'del', keys);
    return Promise.resolve(keys.filter((k) => this.keys.delete(k)).length);
  }

  /** This fake as the machine's `redis` option; any command but EXISTS and DEL would throw. */
  asRedis(): Redis {
    return this as unknown as Redis;
  }
}
