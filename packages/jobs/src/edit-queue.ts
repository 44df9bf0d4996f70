import { createHash, randomUUID } from 'node:crypto';
import { Job, Queue, type JobsOptions, type JobState } from 'bullmq';
import type { CallbackDispatcher } from '@darkroom/callbacks';
import { closeAll, closeOnce, urlOriginAndPath } from '@darkroom/core';
import { bullmqTelemetry, traceCarrier, withSpan } from '@darkroom/tracing';

import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_EVENTS_MAX_LEN,
  DEFAULT_IDEMPOTENCY_WINDOW_MS,
  DEFAULT_KEEP_FAILED,
  DEFAULT_MAX_KEPT_COMPLETED,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE,
  EDIT_JOB_ID_PATTERN,
  EDIT_JOB_NAME,
} from './constants';
import type { LegacyPolicy } from '@darkroom/photoshop';
import { validateEditJob, type ValidatedEditJob, type ValidateEditJobOptions } from './edit-job';
import { EditJobValidationError } from './errors/edit-job-validation-error';
import { EditJobNotFoundError } from './errors/edit-job-not-found-error';
import { fairBacklog, FairKeys, parkedIds, addParkedEdits, unparkEdit } from './fair/fair-queue';
import { QuotaExceededError } from './tenants/quota-exceeded-error';
import { DEFAULT_TENANT, type TenantConfig } from './tenants/tenant-config';
import { TenantQuota } from './tenants/tenant-quota';
import { EditJobStateError } from './errors/edit-job-state-error';
import {
  IdempotencyConflictError,
  type IdempotencyConflict,
} from './errors/idempotency-conflict-error';
import { parseFailedReason, type FailureReason } from './errors/job-failure';
import { openRunsQueue } from './runs/runs-queue';
import { runsQueueName } from './runs/run-data';
import { RecipeRuns, type RecipeRunStatus } from './runs/recipe-runs';
import { RedisUnavailableError } from './errors/redis-unavailable-error';
import type { EditJobData, EditJobResult, EditStep } from './job-data';
import {
  createProducerConnection,
  describeTarget,
  ensureReady,
  isConnectionError,
  type RedisConnection,
  type RedisTarget,
} from './redis-connection';
import { cancelKey } from './cancellation';
import { EDIT_SPAN_ATTRIBUTES, EDIT_SPAN_NAMES } from './edit-spans';
import { FinishEvents } from './finish-events';
import { RedisScript } from './redis-script';
import { announceBatch } from './batches/batch-completed';
import { isBatchId, newBatchId } from './batches/batch-member';
import { BatchStore } from './batches/batch-store';
import { searchEdits, type EditSearchPage, type EditSearchQuery } from './edit-search';

export interface EditQueueOptions {
  /** Redis URL or ioredis options. */
  connection: RedisTarget;
  /**
   * BullMQ key prefix; keep the braces (a Redis Cluster hash tag).
   * @defaultValue '{darkroom}'
   */
  prefix?: string;
  /** @defaultValue 'edits' */
  queueName?: string;
  /**
   * Total tries of a job whose attempt fails with a retryable error (BullMQ `attempts` counts all
   * tries, so 4 = the first and Adobe's "3 retry attempts").
   * @defaultValue 4
   */
  attempts?: number;
  /** First step of BullMQ's exponential backoff between attempts. @defaultValue 5000 */
  backoffMs?: number;
  /** Deadline of jobs enqueued without one. @defaultValue 1 hour */
  defaultDeadlineMs?: number;
  /**
   * Operations of an API Adobe has retired (v1's `/pie/psdService` and `/lrService`, `/sensei`):
   * `refuse` them at intake naming the end of life and the v2 replacement, or `allow` them (a
   * grace period). The producer and the CLI pass DARKROOM_LEGACY_API, which refuses by default.
   * @defaultValue 'allow'
   */
  legacyApi?: LegacyPolicy;
  /**
   * Hosts an edit's `callback.url` may name although they are not public, over `http` too
   * (`host:port` or `host`): for local development. The producer passes DARKROOM_CALLBACK_ALLOW.
   * @defaultValue []
   */
  callbackAllow?: readonly string[];
  /**
   * Park new edits in their tenants' lines at once, for the workers' dispatchers to admit in
   * weighted turns (see ARCHITECTURE.md, "Fair dispatch"). Otherwise edits go to the waiting list
   * and a worker parks each at its first pick-up: as fair, but a burst is parked at the workers'
   * pace rather than the enqueue's. The producer, the CLI and the demo park at once.
   * @defaultValue false
   */
  fair?: boolean;
  /**
   * Tenants' daily quotas (`maxPerDay` of DARKROOM_TENANTS): an enqueue that would pass one is
   * refused whole with `QuotaExceededError`. The producer and the CLI pass DARKROOM_TENANTS.
   * @defaultValue no quotas
   */
  tenants?: TenantConfig;
  /**
   * How long an idempotency key keeps returning its job after the job completed: completed jobs
   * are kept this long. Each kept job costs Redis about 2 KB.
   * @defaultValue 24 h
   */
  idempotencyWindowMs?: number;
  /**
   * Retention of completed jobs: `age` in seconds, `count` a cap that only guards Redis memory.
   * @defaultValue `idempotencyWindowMs` and 1,000,000 jobs
   */
  keepCompleted?: { age: number; count: number };
  /** Retention of failed jobs. @defaultValue 7 days and 100,000 jobs */
  keepFailed?: { age: number; count: number };
  /** Counts jobs enqueued (new ones, not idempotent replays), e.g. `PipelineMetrics`. */
  metrics?: { jobEnqueued(operation: string, count?: number): void };
  /**
   * Where recipe runs write their intermediate files: a storage reference prefix ending in `/`
   * (`s3://darkroom-scratch/runs/`); each run writes under `<scratch><runId>/`. Without it,
   * `enqueueRecipe` refuses runs. The producer and the CLI pass DARKROOM_SCRATCH.
   */
  scratch?: string;
}

export interface EnqueueResult {
  id: string;
  /** True when an earlier job with the same idempotency key was returned instead of a new one. */
  duplicate: boolean;
}

export type EditJobState = JobState | 'unknown';

/** Every state an edit can be reported in, for schemas that list them (the producer's OpenAPI). */
export const editJobStates = [
  'waiting',
  'prioritized',
  'delayed',
  'active',
  'completed',
  'failed',
  'waiting-children',
  'unknown',
] as const satisfies readonly EditJobState[];

// Fails to compile when BullMQ adds a state the list above does not have.
const everyStateListed: Exclude<EditJobState, (typeof editJobStates)[number]> extends never
  ? true
  : never = true;
void everyStateListed;

export interface EditJobStatus {
  id: string;
  state: EditJobState;
  operation: string;
  account: string;
  tenant?: string;
  step: EditStep;
  polls: number;
  submits: number;
  attemptsMade: number;
  remoteJobId?: string;
  /** Times the failed edit was retried; each retry is a fresh, counted submission. */
  retries?: number;
  /** Adobe job ids of earlier rounds and of failed runs submitted again. */
  earlierRemoteJobIds?: string[];
  enqueuedAt: number;
  finishedAt?: number;
  result?: EditJobResult;
  failure?: { reason: FailureReason | 'unknown'; message: string };
  /** The edit's own callback, as origin and path (a tenant default is the worker's to know). */
  callback?: { target: string };
  /** The batch that created the edit (`enqueueBatch`), if one did. */
  batchId?: string;
  /** The recipe run this edit is a step of, and the step. */
  run?: { id: string; step: string };
}

/** What `enqueueBatch` did: the batch's id, and each job's outcome in input order. */
export interface BatchEnqueueResult {
  batchId: string;
  /** The edits the batch created (its members); replays of earlier edits are not among them. */
  members: number;
  results: EnqueueResult[];
}

/** A batch now: its members' states, and whether every one has ended. */
export interface EditBatchStatus {
  id: string;
  /** Edits the batch created; idempotent replays in it belong to the batch that created them. */
  total: number;
  /** Members per state now; `removed` counts edits no longer in Redis (removed by hand). */
  counts: Record<Exclude<EditJobState, 'unknown' | 'waiting-children'> | 'removed', number>;
  /** Every member has completed, failed or been removed: none of them can change any more. */
  done: boolean;
  createdAt: number;
  /** When the last member first ended, as the workers counted it. */
  completedAt?: number;
  /** How members ended the first time they did (what `batch.completed` reports). */
  ended: { completed: number; failed: number; cancelled: number };
  /** The batch's own callback, as origin and path. */
  callback?: { target: string };
}

/**
 * What `cancel` did. `cancelled`: the job was never sent to Adobe and never will be; it ends
 * `failed` with reason `cancelled` as soon as a worker takes it (it is moved to the front of the
 * queue). `requested`: the job was sent to Adobe or is running; it ends `failed`/`cancelled` at
 * its next step, but Adobe has no cancel endpoint, so the remote job may still finish and write
 * its outputs. `already_finished`: it had completed or failed; nothing changed.
 */
export type CancelOutcome = 'cancelled' | 'requested' | 'already_finished' | 'not_found';

/** Whether `id` has the shape of an id `EditQueue` gives out (a UUID, or `idem-` and a hash). */
export const isEditJobId = (id: string): boolean => EDIT_JOB_ID_PATTERN.test(id);

/** How long an enqueue holds the idempotency keys it is storing; a crashed producer's lapse. */
const CLAIM_TTL_MS = 60_000;
/** How long an enqueue waits for another enqueue of the same key to finish before refusing. */
const CLAIM_WAIT_MS = 5_000;
/** Cancellation requests outlive any job deadline. */
const CANCEL_KEY_TTL_S = 8 * 24 * 3600;

/** What the claim script says of one key. */
const Claim = { New: 0, Duplicate: 1, Conflict: 2, Busy: 3 } as const;
type Claim = (typeof Claim)[keyof typeof Claim];

/**
 * Claims the idempotency keys of one chunk of jobs, all or none, in one atomic step. For job i,
 * KEYS[2i-1] is its claim and KEYS[2i] its job hash; ARGV is the caller's token, the claim TTL,
 * then each job's fingerprint. A key is New (claimed now), Duplicate (the same body is stored, or
 * claimed earlier in this list), Conflict (a different body is stored or claimed earlier in the
 * list) or Busy (another enqueue holds it). Claims are set only when no key is Conflict or Busy.
 */
const claimScript = new RedisScript(`
local token = ARGV[1]
local codes, seen, refuse = {}, {}, false
for i = 1, #KEYS / 2 do
  local claimKey, fp = KEYS[2 * i - 1], ARGV[2 + i]
  local earlier, code = seen[claimKey], 0
  if not earlier then
    local claim = redis.call('GET', claimKey)
    if claim then
      local owner, claimed = string.match(claim, '^([^ ]*) (.*)$')
      if owner == token then earlier = claimed else code = 3 end
    else
      local raw = redis.call('HGET', KEYS[2 * i], 'data')
      if raw then
        local ok, data = pcall(cjson.decode, raw)
        earlier = (ok and type(data) == 'table' and data['fingerprint']) or ''
      end
    end
  end
  if earlier then
    if earlier == fp then code = 1 else code = 2 end
  end
  if code == 0 then seen[claimKey] = fp end
  if code >= 2 then refuse = true end
  codes[i] = code
end
if not refuse then
  for i = 1, #KEYS / 2 do
    if codes[i] == 0 then
      redis.call('SET', KEYS[2 * i - 1], token .. ' ' .. ARGV[2 + i], 'PX', ARGV[2])
    end
  end
end
return codes
`);

/** Lets go of the claims in KEYS that ARGV[1] holds; a lapsed claim someone else took stays. */
const releaseScript = new RedisScript(`
local released = 0
for i = 1, #KEYS do
  local claim = redis.call('GET', KEYS[i])
  if claim and string.sub(claim, 1, #ARGV[1] + 1) == ARGV[1] .. ' ' then
    redis.call('DEL', KEYS[i])
    released = released + 1
  end
end
return released
`);

/** A batch about to be stored: its id and, when it has one, its callback URL. */
interface NewBatchSpec {
  id: string;
  callbackUrl?: string;
}

/** One job on its way into Redis. */
/** The run whose steps an add creates, and each edit's step, in the order of the edits. */
interface RunStepsSpec {
  id: string;
  steps: readonly string[];
  /** The run's enqueue time: each step waits in its tenant's line in the run's place. */
  since: number;
}

interface PendingAdd {
  job: ValidatedEditJob;
  id: string;
  add: { name: string; data: EditJobData; opts: JobsOptions & { jobId: string } };
}

/** The job id an idempotency key maps to: the same key always names the same job. */
export const jobIdForKey = (key: string): string =>
  `idem-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;

/**
 * The client application code uses to run Photoshop edits through Darkroom.
 *
 * ```ts
 * const edits = new EditQueue({ connection: process.env.REDIS_URL! });
 * const { id } = await edits.enqueue({ operation: 'renditionCreate', input: 's3://in/a.psd',
 *   outputs: [{ ref: 's3://out/a.jpg', type: 'image/jpeg', width: 1024 }] });
 * const done = await edits.waitFor(id, { timeout: 120_000 });
 * ```
 */
export class EditQueue {
  readonly queue: Queue<EditJobData, EditJobResult>;
  readonly prefix: string;
  readonly queueName: string;
  private readonly redis: RedisConnection;
  private readonly target: string;
  private readonly jobDefaults: JobsOptions;
  private readonly defaultDeadlineMs: number;
  /** What intake does with operations of retired Adobe APIs (see `EditQueueOptions.legacyApi`). */
  readonly legacyApi: LegacyPolicy;
  private readonly validation: ValidateEditJobOptions;
  private readonly fairKeys: FairKeys | undefined;
  private readonly fairLines: FairKeys;
  private readonly quota: TenantQuota | undefined;
  private readonly metrics: EditQueueOptions['metrics'];
  private readonly finishEvents: FinishEvents;
  private readonly batches: BatchStore;
  /** How long an ended edit is kept, at most: a batch record outlives its members this long. */
  private readonly retentionMs: number;
  private readonly scratch: string | undefined;
  private recipeRuns: RecipeRuns | undefined;
  /** What the queue connects to: the runs queue's events connect there too. */
  private readonly connectionTarget: RedisTarget;
  // The queue and the events listener close together; the connection the queue was handed goes
  // last, since BullMQ leaves it open.
  private readonly shutdown = closeOnce(() =>
    closeAll([
      () =>
        closeAll(
          [
            () => this.queue.close(),
            () => this.finishEvents.close(),
            () => this.recipeRuns?.close(),
          ],
          { concurrent: true },
        ),
      () => this.redis.disconnect(),
    ]),
  );

  constructor(options: EditQueueOptions) {
    // Checked before any connection opens, so a bad option leaks nothing.
    const windowMs = options.idempotencyWindowMs ?? DEFAULT_IDEMPOTENCY_WINDOW_MS;
    if (!Number.isSafeInteger(windowMs) || windowMs < 1_000) {
      throw new RangeError(
        `idempotencyWindowMs must be a whole number of milliseconds of at least 1000, got ${String(windowMs)}`,
      );
    }
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.queueName = options.queueName ?? DEFAULT_QUEUE;
    this.target = describeTarget(options.connection);
    this.redis = createProducerConnection(options.connection);
    this.connectionTarget = options.connection;
    this.finishEvents = new FinishEvents(options.connection, this.queueName, this.prefix);
    this.defaultDeadlineMs = options.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS;
    this.legacyApi = options.legacyApi ?? 'allow';
    this.validation = {
      legacyApi: this.legacyApi,
      callbackAllow: [...(options.callbackAllow ?? [])],
    };
    this.metrics = options.metrics;
    this.scratch = options.scratch;
    this.fairLines = new FairKeys(this.prefix, this.queueName);
    this.fairKeys = options.fair ? this.fairLines : undefined;
    this.quota = options.tenants
      ? new TenantQuota({
          redis: this.redis,
          prefix: this.prefix,
          queueName: this.queueName,
          config: options.tenants,
        })
      : undefined;
    const windowSeconds = Math.ceil(windowMs / 1000);
    const keepFailed = options.keepFailed ?? DEFAULT_KEEP_FAILED;
    this.jobDefaults = {
      attempts: options.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_BACKOFF_MS, jitter: 0.5 },
      removeOnComplete: options.keepCompleted ?? {
        age: windowSeconds,
        count: DEFAULT_MAX_KEPT_COMPLETED,
      },
      // A failed job keeps its key at least as long as a completed one.
      removeOnFail: { ...keepFailed, age: Math.max(keepFailed.age, windowSeconds) },
    };
    const keptSeconds = Math.max(options.keepCompleted?.age ?? windowSeconds, keepFailed.age);
    this.retentionMs = Math.max(keptSeconds, windowSeconds) * 1000;
    this.batches = new BatchStore({
      redis: this.redis,
      prefix: this.prefix,
      queueName: this.queueName,
    });
    // BullMQ's own spans (`add`, `addBulk`) when tracing is on; nothing at all when it is off.
    const telemetry = bullmqTelemetry();
    this.queue = new Queue<EditJobData, EditJobResult>(this.queueName, {
      connection: this.redis,
      prefix: this.prefix,
      streams: { events: { maxLen: DEFAULT_EVENTS_MAX_LEN } },
      ...(telemetry ? { telemetry } : {}),
    });
    // Queue re-emits connection errors; they surface through the calls instead.
    this.queue.on('error', () => undefined);
    // Every concurrent waitFor() listens for the queue closing: thousands may wait at once.
    this.queue.setMaxListeners(0);
  }

  /** Validates and enqueues one edit job. Throws `EditJobValidationError` before touching Redis. */
  async enqueue(input: unknown): Promise<EnqueueResult> {
    const job = await validateEditJob(input, this.validation);
    const [result] = await this.addValidated([job], 1);
    return result as EnqueueResult;
  }

  /**
   * Validates every job first (one bad job rejects the whole batch, naming its index), then
   * enqueues all of them or none: every idempotency key is claimed before anything is added, so a
   * key used with a different body (stored, or earlier in the list) refuses the whole list with
   * `IdempotencyConflictError` listing every such index, and nothing is stored. Jobs are added in
   * chunks of `chunkSize` with `addBulk`. Order of results follows the input.
   * @throws {RedisUnavailableError} when Redis fails; only a failure during the adds themselves
   *   can leave part of the list stored (resend with idempotency keys to make that safe)
   */
  async enqueueMany(
    inputs: readonly unknown[],
    options: { chunkSize?: number } = {},
  ): Promise<EnqueueResult[]> {
    return this.addValidated(await this.validateList(inputs), options.chunkSize ?? 1_000);
  }

  /**
   * Validates a recipe, binds it to `params` and stores one run of it: each step becomes an edit
   * (with every guarantee of an edit) once the steps it reads from have completed; the workers
   * run it (see `createRunProcessor`). `input` holds `recipe` (a `recipeSchema` object), `params`,
   * and, as for an edit, `account`, `tenant`, `priority`, `deadline` and `idempotencyKey`.
   * @throws {RecipeValidationError} every issue of the recipe, its parameters and its steps
   * @throws {IdempotencyConflictError} the key names a run of another recipe or parameters
   */
  async enqueueRecipe(input: unknown): Promise<EnqueueResult> {
    await this.ready();
    try {
      return await this.runs().enqueue(input);
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** A recipe run now: its state, each step's edit and state, its outputs or failure. */
  async getRun(id: string): Promise<RecipeRunStatus | null> {
    await this.ready();
    try {
      return await this.runs().get(id);
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * Waits until run `id` completes or fails, `timeoutMs` pass, or `signal` aborts, whichever comes
   * first, and returns it then (`null` when there is no such run). Like `waitForFinish` it never
   * rejects for a timeout; waiters share one events connection on the runs queue.
   */
  async waitForRun(
    id: string,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<RecipeRunStatus | null> {
    await this.ready();
    try {
      return await this.runs().waitForEnd(id, options);
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * Runs a failed recipe run again: only the steps that did not complete (see `RecipeRuns.retry`).
   * @throws {EditJobNotFoundError} no such run
   * @throws {EditJobStateError} the run is not failed
   */
  async retryRun(id: string): Promise<void> {
    await this.ready();
    try {
      await this.runs().retry(id);
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** The runs of this queue, in their own queue beside it (opened on first use). */
  runs(): RecipeRuns {
    this.recipeRuns ??= new RecipeRuns(
      this,
      openRunsQueue(this.redis, this.prefix, this.queueName),
      {
        ...(this.scratch ? { scratch: this.scratch } : {}),
        legacyApi: this.legacyApi,
        jobOptions: {
          attempts: 20,
          backoff: { type: 'exponential', delay: DEFAULT_BACKOFF_MS },
          removeOnComplete: this.jobDefaults.removeOnComplete,
          removeOnFail: this.jobDefaults.removeOnFail,
        },
      },
      new FinishEvents(this.connectionTarget, runsQueueName(this.queueName), this.prefix),
    );
    return this.recipeRuns;
  }

  /**
   * Enqueues steps of a recipe run, all or none, as `enqueueMany` does; each edit carries the run
   * id and its step's name, so a worker tells the run when it ends, and BullMQ's `timestamp` of
   * the run's enqueue, so it waits in its tenant's line in the run's place: a run that has started
   * goes on before runs enqueued after it start (each run ends sooner, scratch lives shorter), and
   * a later step does not queue again behind everything parked while its inputs were made. For `RecipeRuns`, which gives
   * each step an idempotency key of its own: enqueueing a step again finds the edit already there.
   * @internal
   */
  async enqueueRunSteps(
    run: { id: string; enqueuedAt: number },
    steps: readonly { step: string; job: unknown }[],
  ): Promise<EnqueueResult[]> {
    const validated = await this.validateList(steps.map((s) => s.job));
    return this.addValidated(validated, 1_000, undefined, {
      id: run.id,
      steps: steps.map((s) => s.step),
      since: run.enqueuedAt,
    });
  }

  /**
   * `enqueueMany` as one batch: all or nothing in the same way, and the edits it creates (not
   * replays of earlier ones) are the batch's members, each carrying the batch id in its data.
   * The batch record is stored before any edit is added, so the workers count every member's
   * end (`getBatch` reads it); when the last member ends, a worker queues one `batch.completed`
   * callback to `callback.url`, which obeys the rules of an edit's `callback.url`. A batch that
   * creates no edit has ended at once: `announce`, when given, queues its callback then.
   * @throws {EditJobValidationError} a bad job (`[i].path`) or callback (`callback.url`)
   */
  async enqueueBatch(
    inputs: readonly unknown[],
    options: {
      chunkSize?: number;
      callback?: unknown;
      announce?: Pick<CallbackDispatcher, 'enqueue'>;
    } = {},
  ): Promise<BatchEnqueueResult> {
    const validated = await this.validateList(inputs);
    const callback =
      options.callback === undefined
        ? undefined
        : await this.checkCallbackOf(inputs[0], options.callback);
    const batch = { id: newBatchId(), ...(callback ? { callbackUrl: callback.url } : {}) };
    const results = await this.addValidated(validated, options.chunkSize ?? 1_000, batch);
    const members = results.filter((r) => !r.duplicate).length;
    if (members === 0 && options.announce) {
      await announceBatch(this.batches, options.announce, batch.id).catch((err: unknown) => {
        throw this.translate(err);
      });
    }
    return { batchId: batch.id, members, results };
  }

  /** Every job validated; one bad job refuses the list, naming each issue as `[index].path`. */
  private async validateList(inputs: readonly unknown[]): Promise<ValidatedEditJob[]> {
    const validated: ValidatedEditJob[] = [];
    const issues: EditJobValidationError['issues'] = [];
    for (const [index, input] of inputs.entries()) {
      try {
        validated.push(await validateEditJob(input, this.validation));
      } catch (err) {
        if (!(err instanceof EditJobValidationError)) throw err;
        issues.push(
          ...err.issues.map((i) => ({ ...i, path: `[${index}]${i.path ? `.${i.path}` : ''}` })),
        );
      }
    }
    if (issues.length > 0) throw new EditJobValidationError(issues);
    return validated;
  }

  /**
   * Validates one edit with this queue's rules (legacy policy, callback allow-list), storing
   * nothing: a recipe run holds its deadline and callback to an edit's rules through its first step.
   * @internal
   */
  validateOne(input: unknown): Promise<ValidatedEditJob> {
    return validateEditJob(input, this.validation);
  }

  /**
   * A batch's callback obeys exactly the rules of an edit's, so the edit validator itself applies
   * them: to the batch's first job (already valid) carrying the batch's callback.
   */
  private async checkCallbackOf(sample: unknown, callback: unknown): Promise<{ url: string }> {
    try {
      const probe = await validateEditJob(
        { ...(sample as Record<string, unknown>), callback },
        this.validation,
      );
      if (probe.callback) return probe.callback;
    } catch (err) {
      if (!(err instanceof EditJobValidationError)) throw err;
      const own = err.issues.filter((i) => i.path.startsWith('callback'));
      throw own.length > 0 ? new EditJobValidationError(own) : err;
    }
    throw new EditJobValidationError([
      { path: 'callback.url', rule: 'required', message: 'callback.url is required' },
    ]);
  }

  /**
   * The adds, inside the `edit.enqueue` span: each job saves that span's trace context, so its
   * steps in the worker join the trace. A list enqueued together shares one trace.
   */
  private addValidated(
    jobs: ValidatedEditJob[],
    chunkSize: number,
    batch?: NewBatchSpec,
    run?: RunStepsSpec,
  ): Promise<EnqueueResult[]> {
    return withSpan(EDIT_SPAN_NAMES.enqueue, enqueueAttributes(jobs), () =>
      this.addInSpan(jobs, chunkSize, batch, run),
    );
  }

  private async addInSpan(
    jobs: ValidatedEditJob[],
    chunkSize: number,
    batch?: NewBatchSpec,
    run?: RunStepsSpec,
  ): Promise<EnqueueResult[]> {
    await this.ready();
    const pending = this.pendingAdds(jobs);
    if (run) {
      pending.forEach((p, i) => {
        p.add.data.run = { id: run.id, step: run.steps[i] as string };
        p.add.opts.timestamp = run.since;
      });
    }
    const token = randomUUID();
    const keyed = pending.flatMap((p, index) => (p.job.idempotencyKey ? [{ ...p, index }] : []));
    const claims = new Map<number, Claim>();
    try {
      (await this.claimKeys(keyed, token, chunkSize)).forEach((claim, i) =>
        claims.set((keyed[i] as { index: number }).index, claim),
      );
      const fresh = pending.filter((_, i) => claims.get(i) !== Claim.Duplicate);
      const reserved = await this.reserveQuotas(fresh);
      try {
        if (batch) await this.startBatch(batch, fresh);
        for (let i = 0; i < fresh.length; i += chunkSize) {
          const chunk = fresh.slice(i, i + chunkSize);
          if (this.fairKeys) await this.addParked(this.fairKeys, chunk);
          else await this.queue.addBulk(chunk.map((p) => p.add));
        }
      } catch (err) {
        await this.releaseQuotas(reserved).catch(() => undefined);
        if (batch) await this.batches.remove(batch.id).catch(() => undefined);
        throw err;
      }
    } catch (err) {
      throw this.translate(err);
    } finally {
      if (keyed.length > 0) await this.releaseClaims(keyed, token).catch(() => undefined);
    }
    const results = pending.map((p, i) => ({
      id: p.id,
      duplicate: claims.get(i) === Claim.Duplicate,
    }));
    this.countEnqueued(pending, results);
    return results;
  }

  /** The BullMQ adds for validated jobs: data, job id and options. */
  private pendingAdds(jobs: ValidatedEditJob[]): PendingAdd[] {
    const now = Date.now();
    // `{}` when tracing is off: the job data then has no `trace` at all.
    const { traceparent, tracestate } = traceCarrier();
    const trace = traceparent ? { traceparent, ...(tracestate ? { tracestate } : {}) } : undefined;
    return jobs.map((job) => {
      const data: EditJobData = {
        v: 1,
        request: job.request,
        account: job.account,
        ...(job.tenant ? { tenant: job.tenant } : {}),
        ...(job.callback ? { callback: job.callback } : {}),
        deadlineAt: job.deadlineAt ?? now + this.defaultDeadlineMs,
        enqueuedAt: now,
        fingerprint: job.fingerprint,
        nonce: randomUUID(),
        step: 'submit',
        ...(trace ? { trace } : {}),
      };
      const id = job.idempotencyKey ? jobIdForKey(job.idempotencyKey) : randomUUID();
      const opts = {
        ...this.jobDefaults,
        jobId: id,
        ...(job.priority ? { priority: job.priority } : {}),
      };
      return { job, id, add: { name: EDIT_JOB_NAME, data, opts } };
    });
  }

  /**
   * Stores the batch of the edits about to be added (before them, so no member can end unseen)
   * and gives each its place in it. The record outlives the latest member deadline by the
   * retention of ended edits; once the batch has ended, it is kept that retention.
   */
  private async startBatch(batch: NewBatchSpec, fresh: readonly PendingAdd[]): Promise<void> {
    const now = Date.now();
    fresh.forEach((p, index) => {
      p.add.data.batch = { id: batch.id, index };
    });
    const lastDeadline = fresh.reduce((last, p) => Math.max(last, p.add.data.deadlineAt), now);
    await this.batches.create({
      id: batch.id,
      memberIds: fresh.map((p) => p.id),
      createdAt: now,
      ttlMs: lastDeadline - now + this.retentionMs,
      retentionMs: this.retentionMs,
      ...(batch.callbackUrl ? { callbackUrl: batch.callbackUrl } : {}),
    });
  }

  /**
   * Counts new edits against their tenants' daily quotas, all or none: the first tenant whose
   * quota they do not fit refuses the whole enqueue (what was counted is given back).
   */
  private async reserveQuotas(
    adds: readonly PendingAdd[],
  ): Promise<Map<string | undefined, number>> {
    const byTenant = new Map<string | undefined, number>();
    if (!this.quota) return byTenant;
    for (const p of adds) byTenant.set(p.job.tenant, (byTenant.get(p.job.tenant) ?? 0) + 1);
    const reserved = new Map<string | undefined, number>();
    for (const [tenant, count] of byTenant) {
      const outcome = await this.quota.reserve(tenant, count);
      if (!outcome.ok) {
        await this.releaseQuotas(reserved);
        throw new QuotaExceededError(outcome, count);
      }
      reserved.set(tenant, count);
    }
    return reserved;
  }

  private async releaseQuotas(reserved: Map<string | undefined, number>): Promise<void> {
    for (const [tenant, count] of reserved) await this.quota?.release(tenant, count);
  }

  /**
   * Adds new edits straight into their tenants' lines, each job and its line entry in one script
   * (see `addParkedEdits`): a parked edit is never in BullMQ's sets, not even for a moment.
   */
  private async addParked(keys: FairKeys, adds: readonly PendingAdd[]): Promise<void> {
    const edits = adds.map((p) => ({
      id: p.id,
      account: p.add.data.account,
      tenant: p.add.data.tenant ?? DEFAULT_TENANT,
      priority: p.job.priority,
      data: JSON.stringify(p.add.data),
      opts: p.add.opts,
    }));
    await addParkedEdits(this.redis, keys, edits, {
      name: EDIT_JOB_NAME,
      // A run's steps keep its place in line (see `enqueueRunSteps`); other edits take now's.
      timestamp: adds[0]?.add.opts.timestamp ?? Date.now(),
      events: DEFAULT_EVENTS_MAX_LEN,
    });
  }

  /**
   * Claims every key of `keyed`, chunk by chunk, all or none. A key held by another enqueue still
   * in flight is waited for (holding nothing meanwhile, so two lists never wait on each other) up
   * to `CLAIM_WAIT_MS`; a conflict releases what was claimed and refuses the whole list.
   */
  private async claimKeys(
    keyed: (PendingAdd & { index: number })[],
    token: string,
    chunkSize: number,
  ): Promise<Claim[]> {
    const giveUpAt = Date.now() + CLAIM_WAIT_MS;
    for (let attempt = 0; ; attempt += 1) {
      const claims: Claim[] = [];
      for (
        let i = 0;
        i < keyed.length && !claims.some((c) => c >= Claim.Conflict);
        i += chunkSize
      ) {
        const chunk = keyed.slice(i, i + chunkSize);
        const keys = chunk.flatMap((p) => [this.claimKey(p.id), this.queue.toKey(p.id)]);
        const args = [token, CLAIM_TTL_MS, ...chunk.map((p) => p.job.fingerprint)];
        claims.push(...((await claimScript.run(this.redis, keys, args)) as Claim[]));
      }
      if (!claims.some((c) => c >= Claim.Conflict)) return claims;
      await this.releaseClaims(keyed, token);
      const refused = (code: Claim): IdempotencyConflict[] =>
        claims.flatMap((c, i) =>
          c === code ? [{ index: keyed[i]?.index ?? i, jobId: keyed[i]?.id ?? '' }] : [],
        );
      const conflicts = refused(Claim.Conflict);
      const busy = refused(Claim.Busy);
      const first = conflicts[0] ?? busy[0];
      if (first && (conflicts.length > 0 || Date.now() >= giveUpAt)) {
        throw new IdempotencyConflictError(first.jobId, {
          conflicts: conflicts.length > 0 ? conflicts : busy,
          inFlight: conflicts.length === 0,
        });
      }
      // Another enqueue holds a key for the few milliseconds of its addBulk.
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, 5 * 2 ** attempt)));
    }
  }

  private async releaseClaims(keyed: readonly PendingAdd[], token: string): Promise<void> {
    const keys = [...new Set(keyed.map((p) => this.claimKey(p.id)))];
    for (let i = 0; i < keys.length; i += 1_000) {
      await releaseScript.run(this.redis, keys.slice(i, i + 1_000), [token]);
    }
  }

  /** Beside the job hash, same hash tag; never a job id (ids hold no colon). */
  private claimKey(id: string): string {
    return `${this.prefix}:${this.queueName}:claim:${id}`;
  }

  private countEnqueued(pending: readonly PendingAdd[], results: readonly EnqueueResult[]): void {
    if (!this.metrics) return;
    const added = new Map<string, number>();
    pending.forEach((p, i) => {
      if (results[i]?.duplicate) return;
      const operation = p.job.request.operation;
      added.set(operation, (added.get(operation) ?? 0) + 1);
    });
    for (const [operation, count] of added) this.metrics.jobEnqueued(operation, count);
  }

  /**
   * State, step, result or failure reason of one job; `null` when no such job exists, or when
   * `id` is not the shape of a Darkroom job id (then Redis is not asked at all).
   */
  async get(id: string): Promise<EditJobStatus | null> {
    if (!isEditJobId(id)) return null;
    await this.ready();
    try {
      const found = await readEditJob(this.queue, id);
      return found ? describe(found.job, found.state) : null;
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * Waits until the job completes or fails (QueueEvents, no polling) and returns its status.
   * Rejects when `timeout` ms pass first.
   */
  async waitFor(id: string, options: { timeout?: number } = {}): Promise<EditJobStatus> {
    if (!isEditJobId(id)) throw new EditJobNotFoundError(id);
    const lease = this.finishEvents.acquire();
    try {
      const events = await lease.events;
      const job = await Job.fromId<EditJobData, EditJobResult>(this.queue, id);
      if (!job) throw new EditJobNotFoundError(id);
      try {
        await job.waitUntilFinished(events, options.timeout);
      } catch (err) {
        // A failed job rejects waitUntilFinished with its reason; a timeout says so.
        if (err instanceof Error && /timed out|ttl/i.test(err.message)) {
          throw new Error(`edit job ${id} did not finish within ${String(options.timeout)} ms`);
        }
      }
    } finally {
      lease.release();
    }
    const status = await this.get(id);
    if (!status) throw new Error(`edit job ${id} was removed while waiting`);
    return status;
  }

  /**
   * Waits until job `id` completes, fails or is removed, `timeoutMs` pass, or `signal` aborts,
   * whichever comes first, and returns its status then (`null` when the job no longer exists).
   * Unlike `waitFor` it never rejects for a timeout, so a long-poll or an event stream can wait in
   * slices and report whatever changed. Waiters share one events connection, opened by the first
   * and closed when the last is done. `close()` ends every pending wait, which then rejects.
   */
  async waitForFinish(
    id: string,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<EditJobStatus | null> {
    if (!isEditJobId(id)) return null;
    await this.finishEvents.wait(
      id,
      options.timeoutMs,
      options.signal ?? new AbortController().signal,
      async () => {
        const status = await this.get(id);
        return !status || status.state === 'completed' || status.state === 'failed';
      },
    );
    // Ended by close(): there is no connection left to read the status with.
    if (this.finishEvents.closed) throw new Error(`the edit queue closed while waiting for ${id}`);
    return this.get(id);
  }

  /**
   * Keeps the events connection open between waits, for a caller that waits many times in a row
   * (an event stream); call the returned function when done. Safe to call it twice.
   */
  holdFinishEvents(): () => void {
    if (this.finishEvents.closed) return () => undefined;
    return this.finishEvents.acquire().release;
  }

  /**
   * Which of `jobs` would hit an idempotency conflict: a key already taken by a job with a
   * different body, in Redis or earlier in the same list. Nothing is added. `enqueueMany` finds a
   * conflict only after its `addBulk`, when the rest of the batch is stored; a caller that wants
   * a batch to be all-or-nothing checks here first. Returns the conflicting indexes, each with
   * the error naming the job id it collides with.
   * @throws {RedisUnavailableError} when Redis does not answer within `timeoutMs` (default 1 s)
   */
  async findIdempotencyConflicts(
    jobs: readonly ValidatedEditJob[],
    options: { timeoutMs?: number } = {},
  ): Promise<Map<number, IdempotencyConflictError>> {
    const conflicts = new Map<number, IdempotencyConflictError>();
    const keyed = jobs.flatMap((job, index) =>
      job.idempotencyKey
        ? [{ index, fingerprint: job.fingerprint, id: jobIdForKey(job.idempotencyKey) }]
        : [],
    );
    if (keyed.length === 0) return conflicts;
    await this.ready();
    const stored = await this.withinTimeout(
      this.storedFingerprints(keyed.map((k) => k.id)),
      options.timeoutMs ?? 1_000,
    );
    const seen = new Map<string, string>();
    keyed.forEach(({ index, fingerprint, id }, i) => {
      const earlier = seen.get(id) ?? stored[i];
      if (earlier !== undefined && earlier !== fingerprint) {
        conflicts.set(index, new IdempotencyConflictError(id));
        return;
      }
      seen.set(id, fingerprint);
    });
    return conflicts;
  }

  /** The body fingerprint stored with each job id, in one round trip; `undefined` for none. */
  private async storedFingerprints(ids: readonly string[]): Promise<(string | undefined)[]> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.queue.toKey(id), 'data');
    let replies: [Error | null, unknown][];
    try {
      replies = (await pipeline.exec()) ?? [];
    } catch (err) {
      throw this.translate(err);
    }
    return replies.map(([err, raw]) => {
      if (err) throw this.translate(err);
      if (typeof raw !== 'string') return undefined;
      try {
        return (JSON.parse(raw) as Partial<EditJobData>).fingerprint;
      } catch {
        return undefined;
      }
    });
  }

  private withinTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisUnavailableError(this.target)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  /**
   * Cancels a job; every cancelled job ends `failed` with reason `cancelled`, so nothing vanishes
   * without a trace. The request is a key the step machine checks before every step; a job that
   * waits is then moved to the front of the queue (a delayed one promoted first) so a worker
   * takes it, and fails it, at once. See {@link CancelOutcome} for what each answer means.
   */
  async cancel(id: string): Promise<CancelOutcome> {
    if (!isEditJobId(id)) return 'not_found';
    await this.ready();
    try {
      const job = await Job.fromId<EditJobData, EditJobResult>(this.queue, id);
      if (!job) return 'not_found';
      if (isFinishedState(await job.getState())) return 'already_finished';
      const key = cancelKey(this.prefix, this.queueName, id);
      await this.redis.set(key, '1', 'EX', CANCEL_KEY_TTL_S);
      // Read again after the request is stored: from here on every step the job runs sees it.
      const now = await Job.fromId<EditJobData, EditJobResult>(this.queue, id);
      let state = now ? await now.getState() : 'unknown';
      // Parked: out of its line, due now, so a worker fails it in moments rather than in its turn.
      if (now && state === 'unknown' && (await this.unpark(now))) state = 'delayed';
      if (!now || isFinishedState(state)) {
        await this.redis.del(key);
        // A worker may have taken it in between and failed it for this very request.
        const byUs = parseFailedReason(now?.failedReason).reason === 'cancelled';
        return !now ? 'not_found' : byUs ? 'cancelled' : 'already_finished';
      }
      if (!isWaitingState(state)) return 'requested';
      if (state === 'delayed') await now.promote().catch(() => undefined);
      await now.changePriority({ priority: 0, lifo: true }).catch(() => undefined);
      const sentToAdobe = now.data.step !== 'submit' || (now.data.submits ?? 0) > 0;
      return sentToAdobe ? 'requested' : 'cancelled';
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * Runs a failed job again, exactly as BullMQ's own retry does (the dashboard's Retry button):
   * `job.retry('failed')` and nothing else, after clearing a cancellation request. The step
   * machine sees the retried job and starts a fresh submission itself (or, for a job BullMQ failed
   * as stalled, carries on where it was: see `resumeStalled`). A job that is not failed is left as
   * it is.
   * @throws {EditJobNotFoundError} no such job
   * @throws {EditJobStateError} the job is not failed; nothing was changed
   */
  async retry(id: string): Promise<void> {
    if (!isEditJobId(id)) throw new EditJobNotFoundError(id);
    await this.ready();
    try {
      const job = await Job.fromId<EditJobData, EditJobResult>(this.queue, id);
      if (!job) throw new EditJobNotFoundError(id);
      const state = await job.getState();
      if (state !== 'failed') {
        throw new EditJobStateError(id, state, 'only a failed job can be retried');
      }
      await this.redis.del(cancelKey(this.prefix, this.queueName, id));
      await job.retry('failed');
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * Hands a job BullMQ failed for stalling too often (its workers died while holding it) back to
   * the queue where it was, without clearing a cancellation request. Such a job never reached the
   * step machine's end (`endedAt` unset), so it carries on from its saved step: it polls the Adobe
   * job it submitted, or reconciles a submit whose answer was lost, and never sends a second POST
   * blind. Returns false, changing nothing, for any other job (not failed, failed for another
   * reason, or ended by the step machine).
   */
  async resumeStalled(id: string): Promise<boolean> {
    if (!isEditJobId(id)) return false;
    await this.ready();
    try {
      const job = await Job.fromId<EditJobData, EditJobResult>(this.queue, id);
      if (!job || job.data.endedAt !== undefined) return false;
      if ((await job.getState()) !== 'failed') return false;
      if (parseFailedReason(job.failedReason).reason !== 'stalled') return false;
      await job.retry('failed');
      return true;
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * Edits matching `query`, a page at a time, in the shape `get` gives (no URL): by state,
   * tenant, operation, account, Adobe job id and enqueue time. See `searchEdits` for the order
   * and what a page costs.
   * @throws {EditSearchError} a bad `limit` or `cursor`
   */
  async list(query: EditSearchQuery = {}): Promise<EditSearchPage> {
    await this.ready();
    try {
      return await searchEdits(
        { queue: this.queue, redis: this.redis, prefix: this.prefix, queueName: this.queueName },
        query,
      );
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * A batch now (`null` for an unknown id, or one not shaped like a batch id): each member's
   * state, read one by one (a batch holds at most the producer's `PRODUCER_MAX_BATCH` edits).
   */
  async getBatch(id: string): Promise<EditBatchStatus | null> {
    if (!isBatchId(id)) return null;
    await this.ready();
    try {
      const record = await this.batches.read(id);
      if (!record) return null;
      const counts: EditBatchStatus['counts'] = {
        waiting: 0,
        prioritized: 0,
        delayed: 0,
        active: 0,
        completed: 0,
        failed: 0,
        removed: 0,
      };
      for (let i = 0; i < record.memberIds.length; i += 100) {
        const chunk = record.memberIds.slice(i, i + 100);
        for (const state of await Promise.all(chunk.map((m) => this.memberState(m)))) {
          counts[state] += 1;
        }
      }
      return {
        id,
        total: record.total,
        counts,
        done: counts.completed + counts.failed + counts.removed === record.total,
        createdAt: record.createdAt,
        ...(record.completedAt ? { completedAt: record.completedAt } : {}),
        ended: record.ended,
        ...(record.callbackUrl
          ? { callback: { target: urlOriginAndPath(record.callbackUrl) } }
          : {}),
      };
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** A member's state; in none of BullMQ's sets, it is parked (waiting) or was removed. */
  private async memberState(id: string): Promise<keyof EditBatchStatus['counts']> {
    const state = await this.queue.getJobState(id);
    if (state !== 'unknown' && state !== 'waiting-children') return state;
    return (await this.redis.exists(this.queue.toKey(id))) === 1 ? 'waiting' : 'removed';
  }

  /**
   * Edits parked in their tenants' lines (in none of BullMQ's sets, so `queue.getJobs` does not
   * list them): the next `perLine` of each tenant and priority.
   */
  async parked(perLine = 100): Promise<Job<EditJobData, EditJobResult>[]> {
    await this.ready();
    const ids = await parkedIds(this.redis, this, perLine);
    const jobs = await Promise.all(
      ids.map((id) => Job.fromId<EditJobData, EditJobResult>(this.queue, id)),
    );
    return jobs.filter((j): j is Job<EditJobData, EditJobResult> => j !== undefined);
  }

  /** Takes a parked edit out of its tenant's line into the delayed set, due now. */
  private unpark(job: Job<EditJobData>): Promise<boolean> {
    if (!job.id) return Promise.resolve(false);
    return unparkEdit(this.redis, this.fairLines, {
      id: job.id,
      account: job.data.account,
      tenant: job.data.tenant ?? DEFAULT_TENANT,
      priority: job.opts.priority,
    });
  }

  /** Counts per state, for dashboards and `darkroom watch`. */
  async counts(): Promise<Record<string, number>> {
    await this.ready();
    const counts = await this.queue.getJobCounts(
      'waiting',
      'prioritized',
      'delayed',
      'active',
      'completed',
      'failed',
    );
    // Edits parked in their tenants' lines are in none of BullMQ's sets; waiting, to a reader.
    const backlog = await fairBacklog(this.redis, this);
    const parked = backlog.reduce((sum, b) => sum + b.waiting, 0);
    return { ...counts, waiting: (counts.waiting ?? 0) + parked };
  }

  private async ready(): Promise<void> {
    await ensureReady(this.redis, this.target);
  }

  private translate(err: unknown): unknown {
    return isConnectionError(err) ? new RedisUnavailableError(this.target, { cause: err }) : err;
  }

  /**
   * Closes the queue, the event listener and the connections; every step runs even when one
   * fails. Rejects with the failure, or a `CloseError` of `@darkroom/core` holding every one when
   * several fail. A second call returns the same promise.
   */
  close(): Promise<void> {
    return this.shutdown();
  }
}

/** The `edit.enqueue` span's attributes: the operation and account when the jobs share one. */
function enqueueAttributes(jobs: readonly ValidatedEditJob[]): Record<string, unknown> {
  const only = (values: readonly string[]): string | undefined =>
    new Set(values).size === 1 ? values[0] : undefined;
  return {
    [EDIT_SPAN_ATTRIBUTES.operation]: only(jobs.map((j) => j.request.operation)),
    [EDIT_SPAN_ATTRIBUTES.account]: only(jobs.map((j) => j.account)),
    [EDIT_SPAN_ATTRIBUTES.editCount]: jobs.length,
  };
}

function isFinishedState(state: EditJobState): boolean {
  return state === 'completed' || state === 'failed';
}

/** States of a job no worker holds: it waits for one, or for its time. */
function isWaitingState(state: EditJobState): boolean {
  return state === 'waiting' || state === 'prioritized' || state === 'delayed';
}

function describe(job: Job<EditJobData, EditJobResult>, state: EditJobState): EditJobStatus {
  const data = job.data;
  return {
    id: String(job.id),
    state,
    operation: data.request.operation,
    account: data.account,
    ...(data.tenant ? { tenant: data.tenant } : {}),
    ...(data.callback ? { callback: { target: urlOriginAndPath(data.callback.url) } } : {}),
    step: data.step,
    polls: data.polls ?? 0,
    submits: data.submits ?? 0,
    attemptsMade: job.attemptsMade,
    ...(data.remoteJobId ? { remoteJobId: data.remoteJobId } : {}),
    ...(data.retries ? { retries: data.retries } : {}),
    ...(data.earlierRemoteJobIds?.length ? { earlierRemoteJobIds: data.earlierRemoteJobIds } : {}),
    enqueuedAt: data.enqueuedAt,
    ...(job.finishedOn ? { finishedAt: job.finishedOn } : {}),
    ...(state === 'completed' && job.returnvalue ? { result: job.returnvalue } : {}),
    ...(state === 'failed' ? { failure: parseFailedReason(job.failedReason) } : {}),
    ...(data.batch ? { batchId: data.batch.id } : {}),
    ...(data.run ? { run: data.run } : {}),
  };
}

/**
 * One edit's job and its state, read so that they agree: the state first, then the job. BullMQ
 * writes a job's outcome (`failedReason`, `returnvalue`) in the same script that moves it to a
 * finished set, so a job read after its state holds at least what that state promises; read the
 * other way round, a job that fails in between shows `failed` with no reason. A job in none of
 * BullMQ's sets is parked in its tenant's line: waiting, to a reader.
 */
export async function readEditJob(
  queue: Queue<EditJobData, EditJobResult>,
  id: string,
): Promise<{ job: Job<EditJobData, EditJobResult>; state: EditJobState } | undefined> {
  const state = await queue.getJobState(id);
  const job = await Job.fromId<EditJobData, EditJobResult>(queue, id);
  if (!job) return undefined;
  return { job, state: state === 'unknown' ? 'waiting' : state };
}

/** One edit as `get` and `list` show it, in the state the caller found it in. */
export { describe as describeEditJob };
