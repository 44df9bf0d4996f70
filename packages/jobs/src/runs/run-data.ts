import type { BoundStep } from '../recipes';

/** The BullMQ job name of a recipe run, in the runs queue. */
export const RUN_JOB_NAME = 'recipe-run';
/** The BullMQ job name of a failed run's scratch clean-up, due when its lifetime ends. */
export const SCRATCH_CLEANUP_JOB_NAME = 'scratch-cleanup';

/** The queue recipe runs live in, beside the edits queue `queueName` (same prefix). */
export const runsQueueName = (queueName: string): string => `${queueName}-runs`;

/** Why a run failed: the step whose edit failed, and that edit's reason and message. */
export interface RunFailure {
  /** The step that failed; none when the run itself could not go on (its deadline passed). */
  step?: string;
  reason: string;
  message: string;
}

/**
 * What Redis holds for one recipe run: the recipe bound to the run's parameters (storage
 * references only, never a URL), who pays, and where the run is. Each step becomes an edit of its
 * own when the steps it reads from have completed.
 */
export interface RecipeRunData {
  v: 1;
  /** The recipe's name. */
  recipe: string;
  params: Record<string, string>;
  /** Every step, each after the steps it reads from, with its bound edit. */
  steps: BoundStep[];
  /** The scratch references the run writes (deleted when it completes). */
  intermediates: string[];
  /** The references the run leaves behind. */
  finals: string[];
  /** The run's scratch folder (`<scratch><runId>/`); everything under it is the run's. */
  scratch: string;
  account: string;
  tenant?: string;
  priority?: number;
  /** Epoch ms after which the run ends `deadline_exceeded`, whatever step it is at. */
  deadlineAt?: number;
  /** Where the run's signed `run.completed` / `run.failed` callback goes (as given). */
  callback?: { url: string };
  enqueuedAt: number;
  /**
   * sha256 of the bound run, account, tenant, priority and callback: a replay from a conflicting
   * reuse of a key.
   */
  fingerprint: string;
  /** Random per add: tells the caller whether its add created the run or found it. */
  nonce: string;
  /** Starts at 0; a retry after the scratch was cleaned up starts every step again in a new round. */
  round: number;
  /**
   * Times the run handed a step's edit back after BullMQ failed it as stalled (`resumeStalled`),
   * by step, this round; a retry of the run starts them again.
   */
  stallResumes?: Record<string, number>;
  /** The run's intermediates were deleted after it failed (their lifetime ended). */
  scratchRemoved?: boolean;
  failure?: RunFailure;
}

/** A failed run's clean-up, due when its scratch lifetime ends. */
export interface ScratchCleanupData {
  runId: string;
  round: number;
}

/** What a completed run returns: the files it left and each step's edit. */
export interface RecipeRunResult {
  outputs: string[];
  steps: Record<string, string>;
  /** Intermediate files deleted. */
  removed: number;
}
