import {
  isRunId,
  RUN_JOB_NAME,
  type EditQueue,
  type RecipeRunData,
  type RecipeRunResult,
  type RecipeRunStatus,
} from '@darkroom/jobs';
import { type Job, type JobType, type Queue } from 'bullmq';
import {
  RUN_LIST_STATES,
  RUNS_MAX_SCAN,
  RUNS_PER_QUEUE,
  runListStates,
  type RunListState,
} from './runs-query';

type RunsQueue = Queue<RecipeRunData, RecipeRunResult>;

/**
 * How long the list waits for the runs queue's connection, as `EditQueue` waits for its own:
 * BullMQ would wait until Redis answers, however long it is away.
 */
const CONNECT_WAIT_MS = 1_000;

/** Resolves once the runs queue's connection is ready; rejects when it is not within the wait. */
async function connected(runs: RunsQueue): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('Redis could not be reached')), CONNECT_WAIT_MS);
  });
  try {
    await Promise.race([runs.waitUntilReady(), waited]);
  } finally {
    clearTimeout(timer);
  }
}

export interface LatestRunsOptions {
  /** The states of the runs queue to list; every state when none is given. */
  state?: RunListState;
  /** @defaultValue RUNS_PER_QUEUE */
  limit?: number;
  /** @defaultValue RUNS_MAX_SCAN */
  maxScan?: number;
}

/**
 * Up to `limit` run jobs of one list of the runs queue, scanning at most `maxScan` entries. The
 * list also holds failed runs' scratch clean-ups, which are skipped. Delayed entries are read
 * soonest first: a sleeping run is due again within `RUN_RECHECK_MS` (or when its tenant's daily
 * quota frees), a clean-up only when its scratch lifetime ends (`DEFAULT_SCRATCH_LIFETIME_MS`,
 * days), so the runs come before the clean-ups.
 */
async function runJobsIn(
  runs: RunsQueue,
  type: JobType,
  limit: number,
  maxScan: number,
): Promise<Job<RecipeRunData, RecipeRunResult>[]> {
  const found: Job<RecipeRunData, RecipeRunResult>[] = [];
  const page = Math.min(limit, maxScan);
  for (let start = 0; start < maxScan && found.length < limit; start += page) {
    const end = Math.min(start + page, maxScan) - 1;
    const jobs = await runs.getJobs([type], start, end, type === 'delayed');
    found.push(...jobs.filter((job) => job.name === RUN_JOB_NAME && isRunId(String(job.id))));
    if (jobs.length < end - start + 1) break;
  }
  return found.slice(0, limit);
}

/**
 * The newest runs of one edit queue (by enqueue time), read from its runs queue: up to `limit`
 * of them, each as `EditQueue.getRun` gives it. Only reads.
 */
export async function latestRuns(
  edits: EditQueue,
  options: LatestRunsOptions = {},
): Promise<RecipeRunStatus[]> {
  const limit = options.limit ?? RUNS_PER_QUEUE;
  const maxScan = options.maxScan ?? RUNS_MAX_SCAN;
  const runs = edits.runs().queue;
  await connected(runs);
  const states: readonly RunListState[] = options.state ? [options.state] : runListStates;
  const types = states.flatMap((state) => RUN_LIST_STATES[state]);
  const lists = await Promise.all(types.map((type) => runJobsIn(runs, type, limit, maxScan)));
  // A run that moved from one list to another while they were read is in both.
  const byId = new Map(lists.flat().map((job) => [String(job.id), job]));
  const newest = [...byId.values()]
    .sort((a, b) => b.timestamp - a.timestamp)
    .slice(0, limit)
    .map((job) => String(job.id));
  const statuses = await Promise.all(newest.map((id) => edits.getRun(id)));
  // A run removed since it was listed is left out.
  return statuses.filter((run): run is RecipeRunStatus => run !== null);
}
