export * from './constants';
export { editJobInputSchema, validateEditJob } from './edit-job';
export type { EditJobInput, EditRequest, ValidatedEditJob } from './edit-job';
export type { EditJobData, EditJobResult, EditOutputResult, EditStep } from './job-data';
export { editConfirmations, editSteps } from './job-data';
export { EditQueue, describeEditJob, editJobStates, isEditJobId, jobIdForKey } from './edit-queue';
export type {
  BatchEnqueueResult,
  EditBatchStatus,
  EditQueueOptions,
  EnqueueResult,
  EditJobStatus,
  EditJobState,
  CancelOutcome,
} from './edit-queue';
export {
  DEFAULT_SEARCH_LIMIT,
  DEFAULT_SEARCH_MAX_SCAN,
  EditSearchError,
  MAX_SEARCH_LIMIT,
  editSearchStates,
  parseEditSearchParams,
  searchEdits,
  type EditSearchPage,
  type EditSearchParams,
  type EditSearchQuery,
  type EditSearchState,
  type EditSearchTarget,
} from './edit-search';
export * from './batches';
export { JobsError } from './errors/jobs-error';
export { EditJobValidationError } from './errors/edit-job-validation-error';
export type { JobIssue } from './errors/edit-job-validation-error';
export { IdempotencyConflictError } from './errors/idempotency-conflict-error';
export type { IdempotencyConflict } from './errors/idempotency-conflict-error';
export { EditJobNotFoundError } from './errors/edit-job-not-found-error';
export { EditJobStateError } from './errors/edit-job-state-error';
export { RedisUnavailableError } from './errors/redis-unavailable-error';
export { JobFailure, FAILURE_REASONS, parseFailedReason } from './errors/job-failure';
export type { FailureReason } from './errors/job-failure';
export {
  createProducerConnection,
  createWorkerConnection,
  workerConnectionOptions,
  redisTargetFromEnv,
  isClusterTarget,
  describeTarget,
  isConnectionError,
} from './redis-connection';
export type { RedisTarget, RedisClusterTarget, RedisConnection } from './redis-connection';
export { cancelKey } from './cancellation';
export { DurationEstimator } from './duration-estimator';
export type { DurationEstimatorOptions } from './duration-estimator';
export { PollSchedule } from './poll-schedule';
export type { PollScheduleOptions, DurationEstimate } from './poll-schedule';
export {
  createStepMachine,
  EDIT_PROGRESS,
  JOURNAL_LIMITS,
  submitBudgetClassOf,
  submitBudgetClassesOf,
  statusBudgetClassOf,
} from './step-machine';
export type {
  EditProgress,
  JournalErrorHandler,
  StepMachineOptions,
  StepObserver,
  StoragePort,
  ApiPort,
  BudgetPort,
} from './step-machine';
export { queueSnapshot } from './queue-snapshot';
export * from './budget';
// The account type belongs to the Adobe side; re-exported so apps configure accounts from here.
export { accountSchema } from '@darkroom/photoshop';
export type { AccountConfig } from '@darkroom/photoshop';
export {
  assertRedisUsable,
  assessRedisSettings,
  checkRedis,
  readRedisSettings,
  RedisMisconfiguredError,
} from './redis-checks';
export type {
  RedisCheckOptions,
  RedisFinding,
  RedisFindingSeverity,
  RedisSettings,
} from './redis-checks';
export {
  runtimeEnvShape,
  legacyApiEnv,
  jsonEnv,
  accountsFromEnv,
  checkAdobePair,
} from './runtime-env';
export {
  RemoteEventStore,
  locationDigest,
  statusOfEvent,
  type RemoteEventsPort,
  type RemoteEventStoreOptions,
  type RemoteJobEvent,
} from './remote-events/remote-event-store';
export {
  RemoteEventIntake,
  eventOutcomes,
  linksIn,
  type EventOutcome,
  type IncomingJobEvent,
} from './remote-events/remote-event-intake';
export {
  DEFAULT_PRIORITY,
  MAX_PRIORITY_HANDICAP_MS,
  FairGate,
  FairKeys,
  PARK_RECHECK_MS,
  parkRecheckDelay,
  PRIORITY_STEP_MS,
  admitEdits,
  fairBacklog,
  parkEdits,
  parkedIds,
  priorityHandicap,
  unparkEdit,
  type Admission,
  type AdmitRequest,
  type ParkedEdit,
  type TenantShare,
} from './fair/fair-queue';
export {
  admissionWindow,
  FairDispatcher,
  type FairDispatcherOptions,
  type FairDomain,
} from './fair/fair-dispatcher';
export { tenantsEnv } from './runtime-env';
export * from './tenants';
export * from './usage';
export * from './recipes';
export * from './runs';
