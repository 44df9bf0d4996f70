import { redisUrl, startRedisServer } from '../redis';
import { launchRedis } from '../redis-launcher';
import type { StackRedis, StackRedisOption } from './stack-options';

/** The stack's Redis, the workers' environment for it, and how to let it go. */
export interface StartedRedis {
  redis: StackRedis;
  env: Record<string, string>;
  close(): Promise<void>;
}

const leaveRunning = (): Promise<void> => Promise.resolve();

/** Finds or starts the Redis a stack option names; only a Redis started here is closed. */
export async function startStackRedis(
  option: StackRedisOption = { url: redisUrl() },
): Promise<StartedRedis> {
  if ('server' in option) {
    const server = await startRedisServer(option.server);
    const redis = { url: server.url, origin: 'private' as const, target: server.url, server };
    return { redis, env: { REDIS_URL: server.url }, close: () => server.close() };
  }
  if ('launch' in option) {
    const launched = await launchRedis(option.launch);
    const redis = {
      url: launched.url,
      origin: launched.origin,
      target: launched.url,
      ...(launched.server ? { server: launched.server } : {}),
    };
    return { redis, env: { REDIS_URL: launched.url }, close: () => launched.close() };
  }
  const redis = { url: option.url, origin: 'given' as const, target: option.target ?? option.url };
  return { redis, env: { REDIS_URL: option.url, ...option.env }, close: leaveRunning };
}
