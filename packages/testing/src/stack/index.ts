export { startStack } from './start-stack';
export type {
  StackFixture,
  StackOptions,
  StackQueueOptions,
  StackRedis,
  StackRedisOption,
  StackStorageOption,
  WorkerFactory,
} from './stack-options';
