export { createEmulator } from './emulator';
export { EmulatorError } from './emulator-error';
export type { Emulator } from './emulator';
export type { JobSummary } from './jobs/job-summary';
export {
  DEFAULT_CLIENT,
  DEFAULT_DURATIONS,
  DEFAULT_LIMITS,
  EmulatorOptionsError,
  resolveOptions,
} from './config/options';
export type {
  DurationOptions,
  DurationRange,
  EmulatorClient,
  EventOptions,
  EmulatorOptions,
  ProcessingMode,
  RateLimitOptions,
  RateWindow,
} from './config/options';
export { faultConfigSchema, uploadContentTypes } from './faults/fault-config';
export type {
  FaultConfig,
  RequestFaults,
  EventFaultConfig,
  StorageFaults,
  SubmitFaults,
  UploadContentType,
} from './faults/fault-config';
export type { AcceptedReplyFaultKind } from './jobs/job-record';
export type { ClientStats, EmulatorStats } from './stats/evidence';
export type { EventFaultKind, EventStats } from './stats/event-stats';
export type { PhotoshopJobEvent } from './events/event-payload';
export type { JournalEntry } from './events/event-journal';
export { PHOTOSHOP_EVENT_CODE } from './events/event-payload';
export { JOURNAL_PATH } from './handlers/events';
export { emulatorFlagNames, parseEmulatorArgs } from './config/parse-args';
