export { createServer } from './server/create-server';
export type { ServerDeps } from './server/create-server';
export { ApiError } from './server/api-error';
export type { ApiErrorCode } from './server/api-error';
export { parseProducerConfig } from './config/producer-config';
export type { ProducerConfig } from './config/producer-config';
export { findIdempotencyConflicts, jobIdForKey } from './idempotency-precheck';
export { validateJobs } from './validate-jobs';
export type { ValidatedList } from './validate-jobs';
