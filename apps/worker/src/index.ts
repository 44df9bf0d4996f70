export { createWorker } from './worker';
export type { DarkroomWorker, CreateWorkerDeps } from './worker';
export type { Readiness } from './readiness';
export { DEFAULT_LOCK_DURATION_MS, parseWorkerConfig } from './config';
export type { WorkerConfig } from './config';
