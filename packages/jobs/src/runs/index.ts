export { isRunId, RUN_ID_PATTERN, stepEditId } from './run-ids';
export {
  RUN_JOB_NAME,
  runsQueueName,
  SCRATCH_CLEANUP_JOB_NAME,
  type RecipeRunData,
  type RecipeRunResult,
  type RunFailure,
  type ScratchCleanupData,
} from './run-data';
export {
  createRunProcessor,
  DEFAULT_SCRATCH_LIFETIME_MS,
  nudgeRun,
  RUN_RECHECK_MS,
  STALLED_STEP_RESUMES,
  type RunProcessorDeps,
} from './run-processor';
export { openRunsQueue } from './runs-queue';
export { recipeRunRequestSchema, runParamsSchema } from './recipe-runs';
export type { RecipeRunInput, RecipeRunStatus, RecipeRunStep } from './recipe-runs';
