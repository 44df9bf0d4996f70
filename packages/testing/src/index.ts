export { uniqueName, uniqueBucketName } from './names';
export { freePort } from './ports';
export { waitFor } from './wait';
export { guardAgainstLeaks, leakedHandles } from './leak-guard';
export { redisUrl, redisClient, startRedisServer } from './redis';
export type { RedisServer, RedisServerOptions } from './redis';
export { pingRedis } from './redis-ping';
export { launchRedis, NoRedisError } from './redis-launcher';
export type { LaunchedRedis, LaunchRedisOptions, RedisOrigin } from './redis-launcher';
export { provideTestRedis, releaseTestRedis } from './test-redis';
export type { TestRedisOptions } from './test-redis';
export { startS3rver, S3RVER_ACCESS_KEY_ID, S3RVER_SECRET_ACCESS_KEY } from './s3rver';
export type { S3rverFixture, S3rverOptions } from './s3rver';
export { startAzurite, AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY } from './azurite';
export type { AzuriteFixture, AzuriteOptions } from './azurite';
export { startDropboxDouble, dropboxContentHash } from './dropbox-double';
export type {
  DropboxDouble,
  DropboxDoubleCounts,
  DropboxDoubleFault,
  DropboxDoubleOptions,
} from './dropbox-double';
export { startRedisCluster, redisClusterClient } from './redis-cluster';
export type { RedisClusterFixture } from './redis-cluster';
export { thirdPartyPath } from './third-party';
export { testJpeg } from './images';
export { startCallbackReceiver } from './callback-receiver';
export type { CallbackReceiver, ReceivedCallback } from './callback-receiver';
