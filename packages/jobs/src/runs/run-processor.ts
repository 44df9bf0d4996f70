import { DelayedError, Job, UnrecoverableError, type Processor, type Queue } from 'bullmq';
import type { CallbackDispatcher } from '@darkroom/callbacks';
import type { EditQueue, EditJobStatus } from '../edit-queue';
import { EditJobValidationError } from '../errors/edit-job-validation-error';
import type { RedisConnection } from '../redis-connection';
import { DEFAULT_PRIORITY } from '../fair/fair-queue';
import { QuotaExceededError } from '../tenants/quota-exceeded-error';
import { stepEditId, stepIdempotencyKey } from './run-ids';
import {
  RUN_JOB_NAME,
  SCRATCH_CLEANUP_JOB_NAME,
  type RecipeRunData,
  type RecipeRunResult,
  type RunFailure,
  type ScratchCleanupData,
} from './run-data';

/** How long a run waits between looks at its steps when no step end wakes it first. */
export const RUN_RECHECK_MS = 60_000;

/**
 * How many times a run hands one step's edit back after BullMQ failed it as stalled (found
 * stalled more often than `maxStalledCount`: its workers were killed while holding it). Such an
 * edit carries on where it was, with no second POST, so a kill does not fail the run. BullMQ
 * counts a job's stalls over its life, so each hand-back outlasts one more kill (with edits' one
 * allowed stall and three hand-backs, only the fifth kill that catches one step's edit fails its
 * run). The bound keeps an edit that itself kills its workers (a memory blow-up) from doing so
 * without end.
 */
export const STALLED_STEP_RESUMES = 3;

/** How long a failed run's intermediates are kept for diagnosis, unless configured. */
export const DEFAULT_SCRATCH_LIFETIME_MS = 7 * 24 * 3_600_000;

/** What the run processor needs: the edits queue its steps go to, and the scratch storage. */
export interface RunProcessorDeps {
  edits: EditQueue;
  /** The runs queue (`openRunsQueue`): clean-ups are added to it. */
  runs: Queue;
  redis: RedisConnection;
  /** Deletes every object under a folder reference; returns how many it deleted. */
  removeUnder(folder: string): Promise<number>;
  /** @defaultValue DEFAULT_SCRATCH_LIFETIME_MS */
  scratchLifetimeMs?: number;
  /** @defaultValue RUN_RECHECK_MS */
  recheckMs?: number;
  /** @defaultValue STALLED_STEP_RESUMES */
  stalledStepResumes?: number;
  /**
   * Queues a run's signed callback when it ends (`run.completed`, `run.failed`), for runs that
   * name one. Its delivery id comes from the run id and the type, so queueing it again (a worker
   * that died before the run was marked ended) sends nothing twice.
   */
  callbacks?: Pick<CallbackDispatcher, 'enqueue'>;
  /** Called once when a run ends (metrics, logs). */
  onRunEnd?(run: Job<RecipeRunData>, outcome: 'completed' | 'failed', failure?: RunFailure): void;
}

/** The key a step's end sets so the run's next look is not missed (see `nudgeRun`). */
const nudgeKey = (runs: Queue, runId: string): string => runs.toKey(`nudge:${runId}`);

/**
 * Wakes a run after one of its steps ended: marks it, then makes its job due now. A run busy
 * looking at its steps sees the mark after it has put itself to sleep and wakes itself, so no end
 * is missed between the two; the recheck is only a safety net.
 */
export async function nudgeRun(runs: Queue, redis: RedisConnection, runId: string): Promise<void> {
  await redis.set(nudgeKey(runs, runId), '1', 'PX', RUN_RECHECK_MS * 2);
  const job = await Job.fromId(runs, runId);
  await job?.promote().catch(() => undefined);
}

/**
 * The processor of the runs queue. A run job looks at its steps' edits: a failed step fails the
 * run with that step's reason; a step whose inputs have all completed is enqueued as an edit (by
 * key, so a second look never adds a second edit); when every step has completed the run deletes
 * its intermediates and completes. Otherwise it sleeps, taking no worker slot, until a step's end
 * wakes it (`nudgeRun`) or the recheck is due. Everything it knows is in Redis, so a worker killed
 * at any point leaves a run another worker carries on.
 */
export function createRunProcessor(
  deps: RunProcessorDeps,
): Processor<RecipeRunData | ScratchCleanupData, RecipeRunResult | number> {
  return async (job, token) => {
    if (job.name === SCRATCH_CLEANUP_JOB_NAME) {
      return cleanUpFailedRun(deps, job.data as ScratchCleanupData);
    }
    if (job.name !== RUN_JOB_NAME) throw new UnrecoverableError(`unknown job ${job.name}`);
    return advanceRun(deps, job as Job<RecipeRunData, RecipeRunResult>, token);
  };
}

async function advanceRun(
  deps: RunProcessorDeps,
  job: Job<RecipeRunData, RecipeRunResult>,
  token: string | undefined,
): Promise<RecipeRunResult> {
  const runId = String(job.id);
  const data = job.data;
  const nudge = nudgeKey(deps.runs, runId);
  await deps.redis.del(nudge);
  const statuses = new Map<string, EditJobStatus | null>();
  await Promise.all(
    data.steps.map(async (s) =>
      statuses.set(s.name, await deps.edits.get(stepEditId(runId, data.round, s.name))),
    ),
  );
  await resumeStalledSteps(deps, job, statuses);
  const failedStep = data.steps.find((s) => statuses.get(s.name)?.state === 'failed');
  if (failedStep) {
    const failure = statuses.get(failedStep.name)?.failure;
    return failRun(deps, job, {
      step: failedStep.name,
      reason: failure?.reason ?? 'unknown',
      message: failure?.message ?? '',
    });
  }
  const done = new Set(data.steps.filter((s) => statuses.get(s.name)?.state === 'completed'));
  if (done.size === data.steps.length) {
    const removed = await deps.removeUnder(data.scratch);
    const steps = Object.fromEntries(
      data.steps.map((s) => [s.name, stepEditId(runId, data.round, s.name)]),
    );
    await announceRun(deps, job, 'run.completed', { outputs: data.finals });
    deps.onRunEnd?.(job, 'completed');
    return { outputs: data.finals, steps, removed };
  }
  if (data.deadlineAt !== undefined && Date.now() > data.deadlineAt) {
    return failRun(deps, job, {
      reason: 'deadline_exceeded',
      message: `the run's deadline ${new Date(data.deadlineAt).toISOString()} passed`,
    });
  }
  const doneNames = new Set([...done].map((s) => s.name));
  const ready = data.steps.filter(
    (s) => !statuses.get(s.name) && s.needs.every((n) => doneNames.has(n)),
  );
  const enqueued = await enqueueReady(deps, job, ready);
  if ('failure' in enqueued) return failRun(deps, job, enqueued.failure);
  const wakeAt = enqueued.wakeAt ?? Date.now() + (deps.recheckMs ?? RUN_RECHECK_MS);
  await job.moveToDelayed(wakeAt, token);
  // A step that ended after the look above set the mark: wake at once rather than at the recheck.
  if ((await deps.redis.exists(nudge)) === 1) await job.promote().catch(() => undefined);
  throw new DelayedError();
}

/**
 * Hands back, within `STALLED_STEP_RESUMES` per step, each step's edit that BullMQ failed as
 * stalled, and marks it waiting in `statuses`. The count is saved before the edit is handed
 * back, so a worker that dies in between spends a resume rather than granting one twice.
 */
async function resumeStalledSteps(
  deps: RunProcessorDeps,
  job: Job<RecipeRunData, RecipeRunResult>,
  statuses: Map<string, EditJobStatus | null>,
): Promise<void> {
  const runId = String(job.id);
  for (const step of job.data.steps) {
    const status = statuses.get(step.name);
    if (status?.state !== 'failed' || status.failure?.reason !== 'stalled') continue;
    const resumes = job.data.stallResumes?.[step.name] ?? 0;
    if (resumes >= (deps.stalledStepResumes ?? STALLED_STEP_RESUMES)) continue;
    await job.updateData({
      ...job.data,
      stallResumes: { ...job.data.stallResumes, [step.name]: resumes + 1 },
    });
    if (await deps.edits.resumeStalled(stepEditId(runId, job.data.round, step.name))) {
      const { failure: _stalled, ...rest } = status;
      statuses.set(step.name, { ...rest, state: 'waiting' });
    }
  }
}

/**
 * Enqueues the steps whose inputs have all completed, each as an edit by its key. A spent daily
 * quota of the run's tenant is no failure: the run looks again when it frees (`wakeAt`). A step
 * the edit rules refuse (its deadline passed meanwhile) fails the run.
 */
async function enqueueReady(
  deps: RunProcessorDeps,
  job: Job<RecipeRunData, RecipeRunResult>,
  ready: RecipeRunData['steps'],
): Promise<{ wakeAt?: number } | { failure: RunFailure }> {
  if (ready.length === 0) return {};
  const runId = String(job.id);
  const data = job.data;
  try {
    await deps.edits.enqueueRunSteps(
      { id: runId, enqueuedAt: data.enqueuedAt },
      ready.map((s) => ({
        step: s.name,
        job: {
          ...s.edit,
          account: data.account,
          ...(data.tenant ? { tenant: data.tenant } : {}),
          ...priorityOf(data, s),
          ...(data.deadlineAt ? { deadline: data.deadlineAt } : {}),
          idempotencyKey: stepIdempotencyKey(runId, data.round, s.name),
        },
      })),
    );
    return {};
  } catch (err) {
    if (err instanceof QuotaExceededError) {
      return { wakeAt: Math.max(Date.now(), err.resetAt.getTime()) };
    }
    if (!(err instanceof EditJobValidationError)) throw err;
    const first = err.issues[0];
    const only = ready.length === 1 ? ready[0] : undefined;
    return {
      failure: {
        ...(only ? { step: only.name } : {}),
        reason: 'invalid_job',
        message: first ? `${first.path}: ${first.message}` : err.message,
      },
    };
  }
}

/**
 * A step's priority: the run's, and one better for a step that reads earlier steps' outputs. A
 * tenant's line is first in, first out per priority, so that step would otherwise wait behind
 * every edit parked while its inputs were made (the first steps of all the runs enqueued with its
 * own); one step ahead, with the run's enqueue time as its place (`enqueueRunSteps`), it goes
 * before the first steps of later runs: started runs finish first, a bounded lead like any
 * priority's.
 */
function priorityOf(
  data: RecipeRunData,
  step: RecipeRunData['steps'][number],
): { priority?: number } {
  if (step.needs.length === 0) return data.priority ? { priority: data.priority } : {};
  return { priority: Math.max(1, (data.priority ?? DEFAULT_PRIORITY) - 1) };
}

/**
 * Fails a run for good, keeping its intermediates for diagnosis: a clean-up is queued for when
 * their lifetime ends (a retry before then reuses them).
 */
async function failRun(
  deps: RunProcessorDeps,
  job: Job<RecipeRunData, RecipeRunResult>,
  failure: RunFailure,
): Promise<never> {
  const runId = String(job.id);
  await job.updateData({ ...job.data, failure });
  const cleanup: ScratchCleanupData = { runId, round: job.data.round };
  await deps.runs.add(SCRATCH_CLEANUP_JOB_NAME, cleanup, {
    jobId: `cleanup-${runId}-${job.data.round}`,
    delay: deps.scratchLifetimeMs ?? DEFAULT_SCRATCH_LIFETIME_MS,
    removeOnComplete: true,
    removeOnFail: { age: 86_400 },
  });
  await announceRun(deps, job, 'run.failed', { failure });
  deps.onRunEnd?.(job, 'failed', failure);
  const where = failure.step ? `step ${failure.step} failed: ` : '';
  throw new UnrecoverableError(`${failure.reason}: ${where}${failure.message}`);
}

/** Queues the run's callback, when it names one: what it was, how it ended, no URL. */
async function announceRun(
  deps: RunProcessorDeps,
  job: Job<RecipeRunData, RecipeRunResult>,
  type: 'run.completed' | 'run.failed',
  ending: { outputs: string[] } | { failure: RunFailure },
): Promise<void> {
  const url = job.data.callback?.url;
  if (!url || !deps.callbacks) return;
  const runId = String(job.id);
  const steps = job.data.steps.map((s) => ({
    name: s.name,
    editId: stepEditId(runId, job.data.round, s.name),
  }));
  await deps.callbacks.enqueue({
    editId: runId,
    url,
    type,
    data: {
      runId,
      recipe: job.data.recipe,
      state: type === 'run.completed' ? 'completed' : 'failed',
      steps,
      ...ending,
    },
  });
}

/** Deletes a failed run's intermediates, unless the run was retried or completed since. */
async function cleanUpFailedRun(
  deps: RunProcessorDeps,
  cleanup: ScratchCleanupData,
): Promise<number> {
  const run = await Job.fromId<RecipeRunData>(deps.runs, cleanup.runId);
  if (!run || run.data.round !== cleanup.round || (await run.getState()) !== 'failed') return 0;
  const removed = await deps.removeUnder(run.data.scratch);
  await run.updateData({ ...run.data, scratchRemoved: true });
  return removed;
}
