import { createHash, randomUUID } from 'node:crypto';
import { Job, type JobsOptions, type Queue } from 'bullmq';
import { z } from 'zod';
import { closeAll, urlOriginAndPath } from '@darkroom/core';
import { fromZodIssues, type LegacyPolicy } from '@darkroom/photoshop';
import { canonical, editJobInputSchema } from '../edit-job';
import type { EditJobState, EditJobStatus, EditQueue } from '../edit-queue';
import { EditJobNotFoundError } from '../errors/edit-job-not-found-error';
import { EditJobStateError } from '../errors/edit-job-state-error';
import { IdempotencyConflictError } from '../errors/idempotency-conflict-error';
import type { FinishEvents } from '../finish-events';
import { bindRecipe, RecipeValidationError, type BoundStep } from '../recipes';
import { isRunId, newRunId, runIdForKey, stepEditId } from './run-ids';
import {
  RUN_JOB_NAME,
  type RecipeRunData,
  type RecipeRunResult,
  type RunFailure,
} from './run-data';

/** A run's parameter values by name; numbers and booleans are taken as their text. */
export const runParamsSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]), {
    error: () => 'params must be an object of parameter values (strings, numbers or booleans)',
  })
  .describe(
    "parameter values by name; each fills the recipe's {{name}} placeholders, or its default when left out",
  );

/**
 * What a run takes besides its recipe: the parameter values and, as for an edit, who pays, how
 * urgent it is, until when it may run, the key that makes a replay safe and where its end is
 * POSTed (`run.completed` or `run.failed`): the rules of `editJobInputSchema`, set once for every
 * step of the run. The producer's run routes take exactly this.
 */
export const recipeRunRequestSchema = editJobInputSchema
  .pick({
    account: true,
    tenant: true,
    priority: true,
    deadline: true,
    idempotencyKey: true,
    callback: true,
  })
  .extend({ params: runParamsSchema.optional() })
  .strict();

/** What `enqueueRecipe` takes: the recipe (checked by `bindRecipe`) and a run request. */
const runOptionsSchema = recipeRunRequestSchema.extend({ recipe: z.unknown() }).strict();

export type RecipeRunInput = z.input<typeof runOptionsSchema>;

/** One step of a run as a reader sees it: its edit, once enqueued, and that edit's state. */
export interface RecipeRunStep {
  name: string;
  needs: string[];
  /** The step's edit id (known before it is enqueued: steps are enqueued by key). */
  editId: string;
  /** `pending` until the steps it reads from have completed and its edit is enqueued. */
  state: EditJobState | 'pending';
  remoteJobId?: string;
  failure?: EditJobStatus['failure'];
}

/** A recipe run now, as `getRun`, the API and the CLI show it. */
export interface RecipeRunStatus {
  id: string;
  recipe: string;
  /** `waiting`: no step has started; `running`: steps are under way; then how it ended. */
  state: 'waiting' | 'running' | 'completed' | 'failed';
  params: Record<string, string>;
  account: string;
  tenant?: string;
  /** The run's priority, when it was given one (its later steps go one ahead of it). */
  priority?: number;
  /** Epoch ms after which the run ends `deadline_exceeded`, when it has a deadline. */
  deadlineAt?: number;
  /** The run's callback, as origin and path. */
  callback?: { target: string };
  round: number;
  enqueuedAt: number;
  finishedAt?: number;
  steps: RecipeRunStep[];
  /** The files the run left, once it completed. */
  outputs?: string[];
  failure?: RunFailure;
}

/** Where runs are kept and what they are bound with. */
export interface RecipeRunsOptions {
  /** The deployment's scratch prefix (a storage reference ending in `/`); none: runs refused. */
  scratch?: string;
  legacyApi: LegacyPolicy;
  /** The BullMQ options of every run job (attempts and retention like the edits'). */
  jobOptions: JobsOptions;
}

/**
 * Intake and views of recipe runs. A run is a BullMQ job in its own queue (see `runsQueueName`)
 * holding the recipe bound to the run's parameters; the worker's run processor enqueues each step
 * as an edit, with all of an edit's guarantees, when the steps it reads from have completed.
 */
export class RecipeRuns {
  constructor(
    private readonly edits: EditQueue,
    readonly queue: Queue<RecipeRunData, RecipeRunResult>,
    private readonly options: RecipeRunsOptions,
    /** The runs queue's events, opened while someone waits for a run to end. */
    private readonly endEvents: FinishEvents,
  ) {}

  /** Closes the runs queue and ends every pending `waitForEnd`. */
  close(): Promise<void> {
    return closeAll([() => this.endEvents.close(), () => this.queue.close()], {
      concurrent: true,
    });
  }

  /**
   * Waits until run `id` completes or fails (BullMQ's event for its job), `timeoutMs` pass or
   * `signal` aborts, whichever comes first, and returns the run then (`null` when there is none).
   * A run going back to sleep between its steps is no end.
   */
  async waitForEnd(
    id: string,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<RecipeRunStatus | null> {
    if (!isRunId(id)) return null;
    await this.endEvents.wait(
      id,
      options.timeoutMs,
      options.signal ?? new AbortController().signal,
      async () => {
        const run = await this.get(id);
        return !run || run.state === 'completed' || run.state === 'failed';
      },
    );
    if (this.endEvents.closed) throw new Error(`the edit queue closed while waiting for run ${id}`);
    return this.get(id);
  }

  /**
   * Validates and binds a recipe to its parameters (every step held to the rules of an edit) and
   * stores the run. The same `idempotencyKey` with the same recipe, parameters and payer answers
   * the stored run (`duplicate: true`); with anything else, `IdempotencyConflictError`.
   * @throws {RecipeValidationError} a bad recipe, parameter or option, every issue named
   */
  async enqueue(input: unknown): Promise<{ id: string; duplicate: boolean }> {
    const parsed = runOptionsSchema.safeParse(input);
    if (!parsed.success) throw new RecipeValidationError(fromZodIssues(parsed.error.issues));
    const run = parsed.data;
    const scratch = this.options.scratch;
    if (!scratch) {
      throw new RecipeValidationError([
        {
          path: 'recipe',
          rule: 'scratch_not_configured',
          message:
            'recipes need a scratch prefix for their intermediate files: set DARKROOM_SCRATCH (EditQueue option `scratch`)',
        },
      ]);
    }
    const id = run.idempotencyKey ? runIdForKey(run.idempotencyKey) : newRunId();
    const params = Object.fromEntries(
      Object.entries(run.params ?? {}).map(([k, v]) => [k, String(v)]),
    );
    const bound = await bindRecipe(run.recipe, params, {
      runId: id,
      scratch,
      legacyApi: this.options.legacyApi,
    });
    // The run's deadline and callback obey an edit's rules: its first step, carrying them, says.
    const first = bound.steps[0] as BoundStep;
    const probe = await this.edits.validateOne({
      ...first.edit,
      account: run.account,
      ...(run.deadline !== undefined ? { deadline: run.deadline } : {}),
      ...(run.callback ? { callback: run.callback } : {}),
    });
    const { deadlineAt, callback } = probe;
    const recipeName = (run.recipe as { name: string }).name;
    const data: RecipeRunData = {
      v: 1,
      recipe: recipeName,
      params,
      steps: bound.steps,
      intermediates: bound.intermediates,
      finals: bound.finals,
      scratch: `${scratch}${id}/`,
      account: run.account,
      ...(run.tenant ? { tenant: run.tenant } : {}),
      ...(run.priority ? { priority: run.priority } : {}),
      ...(deadlineAt ? { deadlineAt } : {}),
      ...(callback ? { callback } : {}),
      enqueuedAt: Date.now(),
      fingerprint: createHash('sha256')
        .update(
          canonical({
            steps: bound.steps,
            account: run.account,
            tenant: run.tenant,
            priority: run.priority,
            callback,
          }),
        )
        .digest('hex'),
      nonce: randomUUID(),
      round: 0,
    };
    await this.queue.add(RUN_JOB_NAME, data, {
      ...this.options.jobOptions,
      jobId: id,
      ...(run.priority ? { priority: run.priority } : {}),
    });
    const stored = await Job.fromId<RecipeRunData, RecipeRunResult>(this.queue, id);
    if (!stored || stored.data.nonce === data.nonce) return { id, duplicate: false };
    if (stored.data.fingerprint !== data.fingerprint) throw new IdempotencyConflictError(id);
    return { id, duplicate: true };
  }

  /** A run now; `null` when there is no such run (or `id` is not shaped like a run id). */
  async get(id: string): Promise<RecipeRunStatus | null> {
    if (!isRunId(id)) return null;
    const state = await this.queue.getJobState(id);
    const job = await Job.fromId<RecipeRunData, RecipeRunResult>(this.queue, id);
    if (!job) return null;
    const data = job.data;
    const steps = await Promise.all(
      data.steps.map(async (step): Promise<RecipeRunStep> => {
        const editId = stepEditId(id, data.round, step.name);
        const edit = await this.edits.get(editId);
        return {
          name: step.name,
          needs: step.needs,
          editId,
          state: edit?.state ?? 'pending',
          ...(edit?.remoteJobId ? { remoteJobId: edit.remoteJobId } : {}),
          ...(edit?.failure ? { failure: edit.failure } : {}),
        };
      }),
    );
    const ended = state === 'completed' || state === 'failed';
    return {
      id,
      recipe: data.recipe,
      state: ended ? state : steps.some((s) => s.state !== 'pending') ? 'running' : 'waiting',
      params: data.params,
      account: data.account,
      ...(data.tenant ? { tenant: data.tenant } : {}),
      ...(data.priority ? { priority: data.priority } : {}),
      ...(data.deadlineAt !== undefined ? { deadlineAt: data.deadlineAt } : {}),
      ...(data.callback ? { callback: { target: urlOriginAndPath(data.callback.url) } } : {}),
      round: data.round,
      enqueuedAt: data.enqueuedAt,
      ...(ended && job.finishedOn ? { finishedAt: job.finishedOn } : {}),
      steps,
      ...(state === 'completed' ? { outputs: data.finals } : {}),
      ...(state === 'failed' ? { failure: data.failure ?? unknownFailure(job) } : {}),
    };
  }

  /**
   * Runs a failed run again from where it stopped: each failed step's edit is retried and the
   * steps that never started are enqueued when their inputs are there; completed steps are not
   * run again. When the failed run's intermediates were already deleted (their lifetime ended),
   * every step runs again, in a new round.
   * @throws {EditJobNotFoundError} no such run
   * @throws {EditJobStateError} the run is not failed; nothing was changed
   */
  async retry(id: string): Promise<void> {
    const job = isRunId(id) ? await Job.fromId<RecipeRunData>(this.queue, id) : undefined;
    if (!job) throw new EditJobNotFoundError(id);
    const state = await job.getState();
    if (state !== 'failed')
      throw new EditJobStateError(id, state, 'only a failed run can be retried');
    const data = job.data;
    const { failure: _failure, stallResumes: _resumes, ...rest } = data;
    if (data.scratchRemoved) {
      await job.updateData({ ...rest, round: data.round + 1, scratchRemoved: false });
    } else {
      for (const step of data.steps) {
        const editId = stepEditId(id, data.round, step.name);
        if ((await this.edits.get(editId))?.state === 'failed') await this.edits.retry(editId);
      }
      await job.updateData(rest);
    }
    await job.retry('failed');
  }
}

/** A run that failed outside the run processor's own checks (BullMQ's: stalled, attempts spent). */
function unknownFailure(job: Job<RecipeRunData>): RunFailure {
  return { reason: 'run_failed', message: job.failedReason || 'the run failed' };
}
