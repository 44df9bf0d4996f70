import { Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { closeAll, closeOnce, coerceError, redactSecrets } from '@darkroom/core';
import { DeliveryNotFoundError } from '../errors/delivery-not-found-error';
import { DeliveryStateError } from '../errors/delivery-state-error';
import { parseSecrets } from '../signatures/webhook-secret';
import type { CallbackUrlOptions } from '../target/check-callback-url';
import { notify, type CallbackObserver } from './callback-observer';
import { validateCallbackRequest } from './callback-input';
import { deliveryProcessor, DEFAULT_USER_AGENT, type DeliveryJobData } from './delivery-processor';
import { DeliveryStore, type DeadPage } from './delivery-store';
import type { DeliveryView } from './delivery-view';
import {
  DEFAULT_CALLBACK_QUEUE,
  DEFAULT_CONCURRENCY,
  DEFAULT_RETENTION_MS,
  DEFAULT_TIMEOUT_MS,
  type CallbackDispatcherOptions,
} from './dispatcher-options';
import { deliveryIdFor, envelopeBody } from './envelope';
import { retryPolicy } from './retry-policy';

/** What `enqueue` did. */
export interface EnqueueOutcome {
  /** The message id (`webhook-id`), the same for every enqueue of one edit and type. */
  deliveryId: string;
  /** True when this edit's callback of this type was enqueued before: nothing was added. */
  duplicate: boolean;
}

/** A connection BullMQ's blocking worker commands accept, owned by the dispatcher. */
function workerConnection(connection: Redis | Cluster): Redis | Cluster {
  const copy =
    'isCluster' in connection && connection.isCluster
      ? (connection as Cluster).duplicate(undefined, {
          redisOptions: {
            ...(connection as Cluster).options.redisOptions,
            maxRetriesPerRequest: null,
          },
        })
      : (connection as Redis).duplicate({ maxRetriesPerRequest: null });
  copy.on('error', () => undefined);
  return copy;
}

/**
 * Signed callbacks to applications when an edit ends, delivered from a BullMQ queue: each
 * enqueue becomes one delivery, tried until a 2xx answer, then given up (dead) after the retry
 * policy's attempts or time; dead deliveries can be listed and redelivered.
 *
 * ```ts
 * const callbacks = new CallbackDispatcher({ connection, prefix: '{darkroom}', secrets });
 * await callbacks.enqueue({ editId, url, type: 'edit.completed', data: result });
 * ```
 */
export class CallbackDispatcher {
  readonly queue: Queue<DeliveryJobData>;
  readonly worker: Worker<DeliveryJobData> | undefined;
  readonly queueName: string;
  private readonly store: DeliveryStore;
  private readonly urlOptions: CallbackUrlOptions;
  private readonly observer: CallbackObserver | undefined;
  private readonly retentionMs: number;
  private readonly ownConnection: Redis | Cluster | undefined;
  private readonly shutdown = closeOnce(() =>
    closeAll([
      () => this.worker?.close(),
      () => this.queue.close(),
      () => this.ownConnection?.quit(),
    ]),
  );

  constructor(options: CallbackDispatcherOptions) {
    this.queueName = options.queueName ?? DEFAULT_CALLBACK_QUEUE;
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.observer = options.observer;
    this.urlOptions = {
      ...(options.allow ? { allow: options.allow } : {}),
      ...(options.resolve ? { resolve: options.resolve } : {}),
    };
    // Checked before anything opens, so a bad option leaks nothing.
    const policy = retryPolicy(options.retry);
    const runWorker = options.worker ?? true;
    const secrets = runWorker ? parseSecrets((options.secrets ?? []).join(' ')) : [];
    this.store = new DeliveryStore(
      options.connection,
      `${options.prefix}:${this.queueName}`,
      this.retentionMs,
    );
    const retentionSeconds = Math.ceil(this.retentionMs / 1000);
    this.queue = new Queue<DeliveryJobData>(this.queueName, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: {
        // A crash or a Redis error inside an attempt (not a failed POST) is retried by BullMQ.
        attempts: 5,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: { age: retentionSeconds },
        // A dead delivery's job is what redeliver() moves back, so it is kept as long as its state.
        removeOnFail: { age: retentionSeconds },
      },
    });
    this.queue.on('error', (err) => this.reportError(err));
    if (!runWorker) return;
    this.ownConnection = workerConnection(options.connection);
    this.worker = new Worker<DeliveryJobData>(
      this.queueName,
      deliveryProcessor({
        store: this.store,
        secrets,
        policy,
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        urlOptions: this.urlOptions,
        userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
        observer: this.observer,
      }),
      {
        connection: this.ownConnection,
        prefix: options.prefix,
        concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      },
    );
    this.worker.on('error', (err) => this.reportError(err));
  }

  private reportError(err: unknown): void {
    const e = coerceError(err);
    notify(this.observer, 'error', new Error(redactSecrets(e.message)));
  }

  /**
   * Enqueues the callback of an edit that ended. Checks the request without I/O first (the
   * address checks run before each attempt); a second enqueue of the same edit and type changes
   * nothing and says `duplicate`.
   * @throws {CallbackInputError} naming the field and the rule; nothing is stored
   */
  async enqueue(request: unknown): Promise<EnqueueOutcome> {
    const valid = validateCallbackRequest(request, this.urlOptions);
    const deliveryId = deliveryIdFor(valid.editId, valid.type);
    const now = Date.now();
    const existing = await this.store.create({
      deliveryId,
      editId: valid.editId,
      type: valid.type,
      target: valid.parsed.target,
      now,
    });
    // A pending record without its job (the process died between the two writes) gets its job;
    // BullMQ ignores an add whose job id exists.
    if (existing === undefined || existing === 'pending') {
      const data: DeliveryJobData = {
        deliveryId,
        editId: valid.editId,
        type: valid.type,
        url: valid.parsed.url.href,
        body: envelopeBody(valid.type, valid.data, new Date(now)),
        ...(valid.trace?.traceparent ? { trace: valid.trace } : {}),
      };
      await this.queue.add(valid.type, data, { jobId: deliveryId });
    }
    return { deliveryId, duplicate: existing !== undefined };
  }

  /** The state of an edit's latest callback delivery; null when none is recorded. */
  async getDelivery(editId: string): Promise<DeliveryView | null> {
    return (await this.store.latestOf(editId)) ?? null;
  }

  /** Dead deliveries, oldest first, `limit` at a time (default 50, at most 1000). */
  async listDead(options: { limit?: number; cursor?: string } = {}): Promise<DeadPage> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new RangeError(`limit must be a whole number from 1 to 1000, got ${String(limit)}`);
    }
    return this.store.listDead(limit, options.cursor, Date.now());
  }

  /**
   * Sends a dead delivery again: pending, with no attempts counted and a fresh time window.
   * @throws {DeliveryNotFoundError} when the edit has no delivery, or its job was removed
   * @throws {DeliveryStateError} when the delivery is not dead
   */
  async redeliver(editId: string): Promise<DeliveryView> {
    const view = await this.store.latestOf(editId);
    if (!view) throw new DeliveryNotFoundError(editId);
    if (view.state !== 'dead')
      throw new DeliveryStateError(editId, view.state, 'only a dead one can be redelivered');
    const job = await this.queue.getJob(view.deliveryId);
    if (!job) throw new DeliveryNotFoundError(editId, "the dead delivery's job was removed");
    const found = await this.store.revive(view.deliveryId, editId, Date.now());
    if (found !== 'dead')
      throw new DeliveryStateError(
        editId,
        found ?? 'pending',
        'only a dead one can be redelivered',
      );
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return (await this.store.get(view.deliveryId))!;
  }

  /** Closes the worker, the queue and the worker's connection; the same promise every call. */
  close(): Promise<void> {
    return this.shutdown();
  }
}
