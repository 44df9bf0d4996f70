export { DarkroomClient } from './darkroom-client';
export type {
  DarkroomClientOptions,
  EditEvent,
  EventsOptions,
  WaitOptions,
} from './darkroom-client';
export { DarkroomApiError, isProblem } from './darkroom-api-error';
export type {
  BatchResult,
  BatchStatus,
  CancelResult,
  EditJob,
  EditJobState,
  EditJobStatus,
  EditPage,
  EnqueueResult,
  ListEditsQuery,
  OperationId,
  Problem,
  ProducerPaths,
  RetryResult,
} from './api-types';
