export { createWorker } from './worker';
export type { DarkroomWorker, CreateWorkerDeps } from './worker';
export { parseWorkerConfig, accountSchema } from './config';
export type { WorkerConfig, AccountConfig } from './config';
export { checkRedis, readRedisSettings, RedisMisconfiguredError } from './redis-checks';
