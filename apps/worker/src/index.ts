export { createWorker } from './worker';
export type { DarkroomWorker, CreateWorkerDeps } from './worker';
export { parseWorkerConfig } from './config';
export type { WorkerConfig } from './config';
