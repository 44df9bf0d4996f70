import { createHash, randomUUID } from 'node:crypto';
import { Job, Queue, type JobsOptions, type JobState } from 'bullmq';
import { closeAll, closeOnce } from '@darkroom/core';

import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_EVENTS_MAX_LEN,
  DEFAULT_KEEP_COMPLETED,
  DEFAULT_KEEP_FAILED,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE,
  EDIT_JOB_NAME,
} from './constants';
import { validateEditJob, type ValidatedEditJob } from './edit-job';
import { EditJobValidationError } from './errors/edit-job-validation-error';
import { IdempotencyConflictError } from './errors/idempotency-conflict-error';
import { parseFailedReason, type FailureReason } from './errors/job-failure';
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
import { FinishEvents } from './finish-events';

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
  /** Retention of completed jobs. @defaultValue 24 h and 50,000 jobs */
  keepCompleted?: { age: number; count: number };
  /** Retention of failed jobs. @defaultValue 7 days and 100,000 jobs */
  keepFailed?: { age: number; count: number };
  /** Counts jobs enqueued (new ones, not idempotent replays), e.g. `PipelineMetrics`. */
  metrics?: { jobEnqueued(operation: string, count?: number): void };
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
  enqueuedAt: number;
  finishedAt?: number;
  result?: EditJobResult;
  failure?: { reason: FailureReason | 'unknown'; message: string };
}

export type CancelOutcome = 'removed' | 'requested' | 'already_finished' | 'not_found';

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
  private readonly metrics: EditQueueOptions['metrics'];
  private readonly finishEvents: FinishEvents;
  // The queue and the events listener close together; the connection the queue was handed goes
  // last, since BullMQ leaves it open.
  private readonly shutdown = closeOnce(() =>
    closeAll([
      () =>
        closeAll([() => this.queue.close(), () => this.finishEvents.close()], {
          concurrent: true,
        }),
      () => this.redis.disconnect(),
    ]),
  );

  constructor(options: EditQueueOptions) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.queueName = options.queueName ?? DEFAULT_QUEUE;
    this.target = describeTarget(options.connection);
    this.redis = createProducerConnection(options.connection);
    this.finishEvents = new FinishEvents(options.connection, this.queueName, this.prefix);
    this.defaultDeadlineMs = options.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS;
    this.metrics = options.metrics;
    this.jobDefaults = {
      attempts: options.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_BACKOFF_MS, jitter: 0.5 },
      removeOnComplete: options.keepCompleted ?? DEFAULT_KEEP_COMPLETED,
      removeOnFail: options.keepFailed ?? DEFAULT_KEEP_FAILED,
    };
    this.queue = new Queue<EditJobData, EditJobResult>(this.queueName, {
      connection: this.redis,
      prefix: this.prefix,
      streams: { events: { maxLen: DEFAULT_EVENTS_MAX_LEN } },
    });
    // Queue re-emits connection errors; they surface through the calls instead.
    this.queue.on('error', () => undefined);
    // Every concurrent waitFor() listens for the queue closing: thousands may wait at once.
    this.queue.setMaxListeners(0);
  }

  /** Validates and enqueues one edit job. Throws `EditJobValidationError` before touching Redis. */
  async enqueue(input: unknown): Promise<EnqueueResult> {
    const job = await validateEditJob(input);
    const [result] = await this.addValidated([job]);
    return result as EnqueueResult;
  }

  /**
   * Validates every job first (one bad job rejects the whole batch, naming its index), then adds
   * them in chunks with `addBulk`. Order of results follows the input.
   */
  async enqueueMany(
    inputs: readonly unknown[],
    options: { chunkSize?: number } = {},
  ): Promise<EnqueueResult[]> {
    const validated: ValidatedEditJob[] = [];
    const issues: EditJobValidationError['issues'] = [];
    for (const [index, input] of inputs.entries()) {
      try {
        validated.push(await validateEditJob(input));
      } catch (err) {
        if (!(err instanceof EditJobValidationError)) throw err;
        issues.push(
          ...err.issues.map((i) => ({ ...i, path: `[${index}]${i.path ? `.${i.path}` : ''}` })),
        );
      }
    }
    if (issues.length > 0) throw new EditJobValidationError(issues);
    const chunkSize = options.chunkSize ?? 1_000;
    const results: EnqueueResult[] = [];
    for (let i = 0; i < validated.length; i += chunkSize) {
      results.push(...(await this.addValidated(validated.slice(i, i + chunkSize))));
    }
    return results;
  }

  private async addValidated(jobs: ValidatedEditJob[]): Promise<EnqueueResult[]> {
    await this.ready();
    const now = Date.now();
    const entries = jobs.map((job) => {
      const nonce = randomUUID();
      const data: EditJobData = {
        v: 1,
        request: job.request,
        account: job.account,
        ...(job.tenant ? { tenant: job.tenant } : {}),
        deadlineAt: job.deadlineAt ?? now + this.defaultDeadlineMs,
        enqueuedAt: now,
        fingerprint: job.fingerprint,
        nonce,
        step: 'submit',
      };
      const jobId = job.idempotencyKey ? jobIdForKey(job.idempotencyKey) : randomUUID();
      return {
        job,
        nonce,
        add: {
          name: EDIT_JOB_NAME,
          data,
          opts: { ...this.jobDefaults, jobId, ...(job.priority ? { priority: job.priority } : {}) },
        },
      };
    });
    try {
      await this.queue.addBulk(entries.map((e) => e.add));
    } catch (err) {
      throw this.translate(err);
    }
    const results: EnqueueResult[] = [];
    for (const entry of entries) {
      const id = entry.add.opts.jobId;
      if (!entry.job.idempotencyKey) {
        results.push({ id, duplicate: false });
        continue;
      }
      // Adding an existing id is a no-op in BullMQ; read back which job owns the id.
      const stored = await Job.fromId<EditJobData>(this.queue, id);
      if (!stored || stored.data.nonce === entry.nonce) {
        results.push({ id, duplicate: false });
      } else if (stored.data.fingerprint !== entry.job.fingerprint) {
        throw new IdempotencyConflictError(id);
      } else {
        results.push({ id, duplicate: true });
      }
    }
    if (this.metrics) {
      const added = new Map<string, number>();
      entries.forEach((entry, i) => {
        if (results[i]?.duplicate) return;
        const operation = entry.job.request.operation;
        added.set(operation, (added.get(operation) ?? 0) + 1);
      });
      for (const [operation, count] of added) this.metrics.jobEnqueued(operation, count);
    }
    return results;
  }

  /** State, step, result or failure reason of one job; `null` when no such job exists. */
  async get(id: string): Promise<EditJobStatus | null> {
    await this.ready();
    try {
      const job = await Job.fromId<EditJobData, EditJobResult>(this.queue, id);
      if (!job) return null;
      return describe(job, await job.getState());
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * Waits until the job completes or fails (QueueEvents, no polling) and returns its status.
   * Rejects when `timeout` ms pass first.
   */
  async waitFor(id: string, options: { timeout?: number } = {}): Promise<EditJobStatus> {
    const lease = this.finishEvents.acquire();
    try {
      const events = await lease.events;
      const job = await Job.fromId<EditJobData, EditJobResult>(this.queue, id);
      if (!job) throw new Error(`no edit job ${id}`);
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
   * Cancels a job. Waiting, prioritised or delayed jobs that were never submitted are removed;
   * a job that was submitted (between polls) or is running stops at its next step and ends
   * `failed` with reason `cancelled`.
   */
  async cancel(id: string): Promise<CancelOutcome> {
    await this.ready();
    const job = await Job.fromId<EditJobData, EditJobResult>(this.queue, id);
    if (!job) return 'not_found';
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return 'already_finished';
    if (
      (state === 'waiting' || state === 'prioritized' || state === 'delayed') &&
      job.data.step === 'submit'
    ) {
      try {
        await job.remove();
        return 'removed';
      } catch {
        // A worker took it meanwhile: fall through to a cancellation request.
      }
    }
    await this.redis.set(cancelKey(this.prefix, this.queueName, id), '1', 'EX', 7 * 24 * 3600);
    if ((await job.getState()) === 'delayed') {
      // Run its next step now so it ends promptly instead of at its next poll.
      await job.promote().catch(() => undefined);
    }
    return 'requested';
  }

  /** Runs a failed job again from the start (a fresh submit). */
  async retry(id: string): Promise<void> {
    await this.ready();
    const job = await Job.fromId<EditJobData, EditJobResult>(this.queue, id);
    if (!job) throw new Error(`no edit job ${id}`);
    const { statusUrl: _s, remoteJobId: _r, submittedAt: _t, polls: _p, ...rest } = job.data;
    await job.updateData({
      ...rest,
      step: 'submit',
      deadlineAt: Math.max(rest.deadlineAt, Date.now() + this.defaultDeadlineMs),
    });
    await this.redis.del(cancelKey(this.prefix, this.queueName, id));
    await job.retry('failed');
  }

  /** Counts per state, for dashboards and `darkroom watch`. */
  async counts(): Promise<Record<string, number>> {
    await this.ready();
    return this.queue.getJobCounts(
      'waiting',
      'prioritized',
      'delayed',
      'active',
      'completed',
      'failed',
    );
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

function describe(job: Job<EditJobData, EditJobResult>, state: EditJobState): EditJobStatus {
  const data = job.data;
  return {
    id: String(job.id),
    state,
    operation: data.request.operation,
    account: data.account,
    ...(data.tenant ? { tenant: data.tenant } : {}),
    step: data.step,
    polls: data.polls ?? 0,
    submits: data.submits ?? 0,
    attemptsMade: job.attemptsMade,
    ...(data.remoteJobId ? { remoteJobId: data.remoteJobId } : {}),
    enqueuedAt: data.enqueuedAt,
    ...(job.finishedOn ? { finishedAt: job.finishedOn } : {}),
    ...(state === 'completed' && job.returnvalue ? { result: job.returnvalue } : {}),
    ...(state === 'failed' ? { failure: parseFailedReason(job.failedReason) } : {}),
  };
}
