export { DarkroomClient } from './darkroom-client';
export type {
  DarkroomClientOptions,
  EditEvent,
  EventsOptions,
  ListQuery,
  WaitOptions,
} from './darkroom-client';
export { DarkroomApiError, isProblem } from './darkroom-api-error';
export type {
  BatchResult,
  BatchStatus,
  CallbackStatus,
  CancelResult,
  DeadCallbackPage,
  DeadCallbacksQuery,
  EditJob,
  EditJobState,
  EditJobStatus,
  EditPage,
  EnqueueResult,
  ListEditsQuery,
  OperationId,
  Problem,
  ProducerPaths,
  RedeliverResult,
  RetryResult,
  UsageQuery,
  UsageReport,
} from './api-types';
