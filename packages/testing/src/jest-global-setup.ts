import { provideTestRedis } from './test-redis';

/**
 * The root Jest configuration's `globalSetup`: runs once, in Jest's own process, before any
 * test process starts, so the REDIS_URL it may set reaches every test file.
 */
export default async function globalSetup(): Promise<void> {
  await provideTestRedis();
}
