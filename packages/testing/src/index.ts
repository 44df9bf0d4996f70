export { uniqueName, uniqueBucketName } from './names';
export { freePort } from './ports';
export { waitFor } from './wait';
export { guardAgainstLeaks, leakedHandles } from './leak-guard';
export { redisUrl, redisClient, startRedisServer } from './redis';
export type { RedisServer, RedisServerOptions } from './redis';
