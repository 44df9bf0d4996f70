import { releaseTestRedis } from './test-redis';

/** The root Jest configuration's `globalTeardown`: stops the Redis the setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  await releaseTestRedis();
}
