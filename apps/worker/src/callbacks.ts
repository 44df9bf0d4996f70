import { UnrecoverableError, type Job, type Processor } from 'bullmq';
import {
  CallbackDispatcher,
  CallbackInputError,
  type CallbackObserver,
  type CallbackType,
} from '@darkroom/callbacks';
import { coerceError, redactSecrets, urlOriginAndPath, withoutUrlQueries } from '@darkroom/core';
import {
  announceBatch,
  BatchStore,
  parseFailedReason,
  type BatchOutcome,
  type EditJobData,
  type EditJobResult,
  type RedisConnection,
} from '@darkroom/jobs';
import type { Logger, PipelineMetrics } from '@darkroom/observability';
import type { WorkerConfig } from './config';

/** What the worker's callbacks are built from. */
export interface EditCallbacksDeps {
  config: Pick<WorkerConfig, 'prefix' | 'queueName' | 'callbacks'>;
  redis: RedisConnection;
  pipeline: Pick<PipelineMetrics, 'callback'>;
  logger: Logger;
}

/**
 * The callbacks of one worker process: the dispatcher, and the processor wrapper (which also
 * counts each edit's end in its batch).
 */
export interface EditCallbacks {
  dispatcher: CallbackDispatcher;
  /** The edit processor, announcing each edit's end before BullMQ records it. */
  wrap(processor: Processor<EditJobData, EditJobResult>): Processor<EditJobData, EditJobResult>;
  /** Announces an end BullMQ decided alone (a job failed for stalling too often). */
  stalledOut(job: Job<EditJobData>, err: Error): void;
  /** Closes the delivery worker and the callbacks queue (the Redis connection stays open). */
  close(): Promise<void>;
}

/** BullMQ's signals that a job was handed back, not ended (see `Worker.handleFailed`). */
const HANDED_BACK = new Set(['DelayedError', 'WaitingError', 'WaitingChildrenError']);

/**
 * Whether this throw ends the edit: BullMQ fails a job for good on an `UnrecoverableError` (the
 * step machine's `failJob`) or when its last attempt fails; the hand-backs between steps end
 * nothing.
 */
export function endsEdit(job: Job<EditJobData>, err: unknown): boolean {
  const e = coerceError(err);
  if (HANDED_BACK.has(e.name)) return false;
  if (e instanceof UnrecoverableError || e.name === 'UnrecoverableError') return true;
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** How an edit ended, as its batch counts it. */
function outcomeOf(type: CallbackType): BatchOutcome {
  return type === 'edit.completed'
    ? 'completed'
    : type === 'edit.cancelled'
      ? 'cancelled'
      : 'failed';
}

/**
 * Counts an edit's end in its batch, and announces the batch (its `batch.completed` callback)
 * when this was the last member to end. The count is one Lua script, so of several workers
 * ending members at once exactly one sees the last end; a worker that dies before announcing
 * leaves the end unannounced, and the edit's end running again announces it (the callback's
 * delivery id is the batch's, so nothing is sent twice). Failures are logged: an edit's own end
 * never changes because its batch could not be counted.
 */
function batchCounter(
  deps: EditCallbacksDeps,
  dispatcher: CallbackDispatcher,
): (job: Job<EditJobData>, outcome: BatchOutcome) => Promise<void> {
  const { config, redis, logger } = deps;
  const batches = new BatchStore({ redis, prefix: config.prefix, queueName: config.queueName });
  return async (job, outcome) => {
    const member = job.data.batch;
    if (!member) return;
    const fields = { jobId: String(job.id), batchId: member.id };
    let last: boolean;
    try {
      last = await batches.memberEnded(member, outcome);
    } catch (err) {
      logger.error(
        { ...fields, err: redactSecrets(coerceError(err).message) },
        'batch end not counted',
      );
      return;
    }
    if (!last) return;
    try {
      await announceBatch(batches, dispatcher, member.id);
    } catch (err) {
      const e = coerceError(err);
      logger.error(
        {
          ...fields,
          ...(e instanceof CallbackInputError ? { field: e.field, rule: e.rule } : {}),
          err: redactSecrets(e.message),
        },
        'batch.completed callback not queued',
      );
    }
  };
}

/** What the application is told: the edit, and its URL-free result or failure. */
function completedData(job: Job<EditJobData>, result: EditJobResult): Record<string, unknown> {
  return { ...about(job), state: 'completed', result };
}

function failedData(job: Job<EditJobData>, err: unknown): [CallbackType, Record<string, unknown>] {
  const failure = parseFailedReason(coerceError(err).message);
  const type = failure.reason === 'cancelled' ? 'edit.cancelled' : 'edit.failed';
  return [type, { ...about(job), state: 'failed', failure }];
}

function about(job: Job<EditJobData>): Record<string, unknown> {
  const { request, account, tenant } = job.data;
  return {
    id: String(job.id),
    operation: request.operation,
    account,
    ...(tenant ? { tenant } : {}),
  };
}

/** What a log line says about a failed attempt; the target is already origin and path. */
function attemptFields(e: {
  editId: string;
  type: string;
  target: string;
  attempts: number;
  status?: number;
  error?: string;
}): Record<string, unknown> {
  const { editId, type, target, attempts, status, error } = e;
  return { editId, type, target, attempts, status, err: error };
}

/** Counts and logs each delivery attempt: the URL as origin and path, never a secret. */
function deliveryObserver(deps: EditCallbacksDeps): CallbackObserver {
  const { pipeline, logger } = deps;
  const log = logger.child({ component: 'callbacks' });
  return {
    delivered: (e) => {
      pipeline.callback('delivered');
      log.info(
        { editId: e.editId, type: e.type, target: e.target, status: e.status },
        'callback delivered',
      );
    },
    retrying: (e) => {
      pipeline.callback('retrying');
      log.warn(
        { ...attemptFields(e), nextAttemptAt: e.nextAttemptAt },
        'callback attempt failed; will retry',
      );
    },
    dead: (e) => {
      pipeline.callback('dead');
      log.error(
        attemptFields(e),
        'callback given up (dead); redeliver it once the application is fixed',
      );
    },
    error: (err) => log.error({ err: err.message }, 'callbacks worker error'),
  };
}

/**
 * Signed callbacks for this worker: a dispatcher on the edits' Redis and prefix (its delivery
 * worker runs only with secrets; without them deliveries wait in Redis for a worker that has
 * some), and a processor wrapper that enqueues each edit's callback.
 *
 * Why wrap the processor rather than listen to BullMQ's `completed`/`failed` events: the events
 * come after the job's end is written, so a worker that dies between the two loses the callback
 * for good. Enqueued inside the processor, the delivery is in Redis before the end is: a worker
 * that dies in between leaves a stalled job, which runs again, ends again and enqueues again,
 * and that second enqueue is a no-op (the delivery id comes from the edit and the event type).
 * QueueEvents would survive a death too but needs a stored stream position per fleet and sees
 * the end only after it is written. The price: an application may get the callback a moment
 * before `GET /v1/edits/:id` reads the edit as finished; the callback carries the whole result.
 */
export function startEditCallbacks(deps: EditCallbacksDeps): EditCallbacks {
  const { config, redis, logger } = deps;
  const settings = config.callbacks;
  const dispatcher = new CallbackDispatcher({
    connection: redis,
    prefix: config.prefix,
    queueName: settings.queueName,
    worker: settings.secrets.length > 0,
    secrets: settings.secrets,
    allow: settings.allow,
    concurrency: settings.concurrency,
    retry: settings.retry,
    observer: deliveryObserver(deps),
  });
  if (settings.secrets.length === 0) {
    logger.warn(
      'DARKROOM_CALLBACK_SECRETS is not set: callbacks are queued but not sent by this worker',
    );
  }

  const announce = async (
    job: Job<EditJobData>,
    type: CallbackType,
    data: Record<string, unknown>,
  ): Promise<void> => {
    const url = job.data.callback?.url ?? settings.defaults[job.data.tenant ?? ''];
    if (url === undefined) return;
    try {
      await dispatcher.enqueue({
        editId: String(job.id),
        url,
        type,
        data: withoutUrlQueries(data),
        ...(job.data.trace?.traceparent ? { trace: job.data.trace } : {}),
      });
    } catch (err) {
      // The edit's own end must not change because its callback could not be queued. A Redis
      // failure here almost always fails the end's write too: the job then stalls, runs again
      // and enqueues again. Input errors (a URL refused) cannot be retried.
      const e = coerceError(err);
      logger.error(
        {
          jobId: String(job.id),
          target: urlOriginAndPath(url),
          ...(e instanceof CallbackInputError ? { field: e.field, rule: e.rule } : {}),
          err: redactSecrets(e.message),
        },
        'callback not queued',
      );
    }
  };

  const countInBatch = batchCounter(deps, dispatcher);
  const ended = async (
    job: Job<EditJobData>,
    type: CallbackType,
    data: Record<string, unknown>,
  ): Promise<void> => {
    await announce(job, type, data);
    await countInBatch(job, outcomeOf(type));
  };

  return {
    dispatcher,
    wrap: (processor) => async (job, token, signal) => {
      let result: EditJobResult;
      try {
        result = await processor(job, token, signal);
      } catch (err) {
        if (endsEdit(job, err)) await ended(job, ...failedData(job, err));
        throw err;
      }
      await ended(job, 'edit.completed', completedData(job, result));
      return result;
    },
    stalledOut: (job, err) => void ended(job, ...failedData(job, err)),
    close: () => dispatcher.close(),
  };
}
