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
  EmulatorOptions,
  ProcessingMode,
  RateLimitOptions,
  RateWindow,
} from './config/options';
export { faultConfigSchema } from './faults/fault-config';
export type { FaultConfig, RequestFaults } from './faults/fault-config';
export type { ClientStats, EmulatorStats } from './stats/evidence';
export { parseEmulatorArgs } from './config/parse-args';
