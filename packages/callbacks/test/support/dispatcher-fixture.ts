import { redisClient, uniqueName } from '@darkroom/testing';
import type { Redis } from 'ioredis';
import {
  CallbackDispatcher,
  generateSecret,
  type CallbackDispatcherOptions,
  type DeliveryEvent,
} from '../../src';

export interface DispatcherFixture {
  dispatcher: CallbackDispatcher;
  redis: Redis;
  prefix: string;
  secrets: string[];
  events: { hook: 'delivered' | 'retrying' | 'dead'; event: DeliveryEvent }[];
  /** Every key under the fixture's prefix, with its value as text. */
  dump(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

/**
 * A dispatcher on the test Redis under a prefix of its own, with retries in milliseconds and an
 * observer that records every hook call.
 */
export async function startDispatcher(
  options: Partial<CallbackDispatcherOptions> = {},
): Promise<DispatcherFixture> {
  const redis = redisClient();
  const prefix = `{${uniqueName('callbacks')}}`;
  const secrets = [generateSecret()];
  const events: DispatcherFixture['events'] = [];
  const create = (): CallbackDispatcher =>
    new CallbackDispatcher({
      connection: redis,
      prefix,
      secrets,
      timeoutMs: 2_000,
      retry: { baseDelayMs: 20, maxDelayMs: 80, maxAttempts: 5 },
      observer: {
        delivered: (event) => events.push({ hook: 'delivered', event }),
        retrying: (event) => events.push({ hook: 'retrying', event }),
        dead: (event) => events.push({ hook: 'dead', event }),
      },
      ...options,
    });
  let dispatcher: CallbackDispatcher;
  try {
    dispatcher = create();
  } catch (err) {
    await redis.quit();
    throw err;
  }
  await dispatcher.queue.waitUntilReady();
  const keys = async (): Promise<string[]> => redis.keys(`${prefix}:*`);
  return {
    dispatcher,
    redis,
    prefix,
    secrets: [...(options.secrets ?? secrets)],
    events,
    dump: async () => {
      const out = new Map<string, string>();
      for (const key of await keys()) {
        const type = await redis.type(key);
        const value =
          type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : type === 'string'
              ? ((await redis.get(key)) ?? '')
              : type === 'zset'
                ? (await redis.zrange(key, 0, -1)).join(' ')
                : type;
        out.set(key, value);
      }
      return out;
    },
    close: async () => {
      await dispatcher.close();
      const left = await keys();
      if (left.length > 0) await redis.del(...left);
      await redis.quit();
    },
  };
}
