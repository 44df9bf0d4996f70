import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { coerceError, withoutUrls } from '@darkroom/core';
import {
  buildRequestBody,
  classifyError,
  getOperation,
  HttpError,
  RateLimitedError,
  SubmitOutcomeUnknownError,
  type NormalizedStatus,
  type RateLimitClass,
  type StorageKind,
} from '@darkroom/photoshop';
import { cancelKey } from './cancellation';
import { requestBody } from './edit-job';
import { JobFailure, type FailureReason } from './errors/job-failure';
import type { DurationEstimator } from './duration-estimator';
import type { EditJobData, EditJobResult } from './job-data';
import type { DurationEstimate, PollSchedule } from './poll-schedule';

/** The storage operations the step machine needs (satisfied by `StorageRegistry`). */
export interface StoragePort {
  presignRead(ref: string, ttlSeconds: number): Promise<{ href: string; storage: StorageKind }>;
  presignWrite(
    ref: string,
    ttlSeconds: number,
    opts?: { contentType?: string },
  ): Promise<{ href: string; storage: StorageKind }>;
  stat(ref: string): Promise<{ exists: boolean; size?: number }>;
  /** Writes bytes to a reference (Darkroom's own outputs, such as a manifest). */
  upload(ref: string, body: Buffer, contentType: string): Promise<void>;
}

/** The API calls the step machine needs (satisfied by `PhotoshopClient`). */
export interface ApiPort {
  submit(
    operationId: string,
    body: unknown,
    opts: { signal?: AbortSignal },
  ): Promise<{ statusUrl: string; jobId?: string }>;
  getStatus(
    statusUrl: string,
    opts: { signal?: AbortSignal; operationId?: string },
  ): Promise<NormalizedStatus>;
}

/** The shared rate budget (satisfied by `RateBudget`). */
export interface BudgetPort {
  tryTake(
    account: string,
    cls: string,
  ): Promise<{ granted: true } | { granted: false; retryInMs: number; reason?: string }>;
  penalize(account: string, cls: string, retryAfterMs: number): Promise<unknown>;
}

/** Optional observers: metrics and logs hang off these without the step machine knowing them. */
export interface StepObserver {
  submitted?(job: Job<EditJobData>, info: { remoteJobId?: string }): void;
  polled?(job: Job<EditJobData>, info: { state: string }): void;
  budgetWait?(account: string, cls: string, waitMs: number): void;
  budgetGranted?(account: string, cls: string): void;
  rateLimited?(account: string, cls: string, retryAfterMs: number): void;
  retrying?(job: Job<EditJobData>, reason: string, err: unknown): void;
  completed?(job: Job<EditJobData>, result: EditJobResult): void;
  failed?(job: Job<EditJobData>, reason: FailureReason, message: string): void;
}

export interface StepMachineOptions {
  redis: Redis | Cluster;
  prefix: string;
  queueName: string;
  storage: StoragePort;
  /** The API client of an account; throws for an account that is not configured. */
  api: (account: string) => ApiPort;
  budget: BudgetPort;
  estimator: DurationEstimator;
  schedule: PollSchedule;
  /** Expected remote duration of an operation's class before any job of it has finished. */
  defaultEstimate: (durationClass: string) => DurationEstimate;
  /**
   * Extra life given to presigned URLs past the job's deadline, for clock skew between Darkroom,
   * storage and Adobe.
   * @defaultValue 300000
   */
  presignMarginMs?: number;
  /**
   * Waits for a budget token shorter than this happen in-process; longer ones free the slot and
   * come back as a delayed job.
   * @defaultValue 250
   */
  inlineBudgetWaitMs?: number;
  observer?: StepObserver;
}

/**
 * Budget class of an operation's submit, as its catalog entry names it: remove background and
 * masking have Adobe's own, tighter limits. Throws `UnknownOperationError` for an unknown id.
 */
export function submitBudgetClassOf(operation: string): RateLimitClass {
  return getOperation(operation).limitClasses.submit;
}

/** Budget class of an operation's status polls, as its catalog entry names it. */
export function statusBudgetClassOf(operation: string): RateLimitClass {
  return getOperation(operation).limitClasses.status;
}

const MAX_PRESIGN_TTL_S = 7 * 24 * 3600;

/** Content type of an output, from its v1 `type` or v2 `mediaType`. */
function contentTypeOf(output: Record<string, unknown>): string | undefined {
  const value = output.type ?? output.mediaType;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The one BullMQ processor of Darkroom: a small state machine whose state lives in `job.data`.
 *
 * - `submit`: budget token → presign → POST → checkpoint the status URL → delay to the first poll.
 * - `poll`: budget token → GET status → running: delay to the next poll; succeeded: verify the
 *   outputs and complete; failed: classify and fail.
 *
 * Waiting between polls is a delayed job, never a sleep, so no worker slot is held while Adobe
 * works. A job picked up again after a crash resumes at its saved step and never submits twice
 * once its status URL is saved.
 */
export function createStepMachine(options: StepMachineOptions) {
  const presignMarginMs = options.presignMarginMs ?? 300_000;
  const inlineBudgetWaitMs = options.inlineBudgetWaitMs ?? 250;
  const observer = options.observer ?? {};

  const fail = (job: Job<EditJobData>, reason: FailureReason, message: string): never => {
    observer.failed?.(job, reason, message);
    throw new UnrecoverableError(new JobFailure(reason, message).message);
  };

  const delay = async (
    job: Job<EditJobData>,
    token: string | undefined,
    ms: number,
  ): Promise<never> => {
    await job.moveToDelayed(Date.now() + Math.max(0, Math.round(ms)), token);
    throw new DelayedError();
  };

  /** Takes a budget token, or frees the slot until one is likely to be available. */
  const takeToken = async (
    job: Job<EditJobData>,
    token: string | undefined,
    cls: string,
  ): Promise<void> => {
    const { account } = job.data;
    const started = Date.now();
    for (;;) {
      const grant = await options.budget.tryTake(account, cls);
      if (grant.granted) {
        observer.budgetGranted?.(account, cls);
        if (Date.now() > started) observer.budgetWait?.(account, cls, Date.now() - started);
        return;
      }
      if (grant.retryInMs > inlineBudgetWaitMs || Date.now() - started > 4 * inlineBudgetWaitMs) {
        observer.budgetWait?.(account, cls, Date.now() - started);
        // Spread the herd: every waiting job would otherwise wake at the same window edge.
        const jitter = Math.random() * Math.min(1_000, grant.retryInMs * 0.2);
        await delay(job, token, grant.retryInMs + jitter);
      }
      await new Promise((r) => setTimeout(r, Math.max(5, grant.retryInMs)));
    }
  };

  const checkStop = async (job: Job<EditJobData>): Promise<void> => {
    const id = String(job.id);
    if ((await options.redis.exists(cancelKey(options.prefix, options.queueName, id))) === 1) {
      fail(job, 'cancelled', 'cancelled on request');
    }
    if (Date.now() > job.data.deadlineAt) {
      const neverSubmitted = job.data.step === 'submit' && (job.data.submits ?? 0) === 0;
      fail(
        job,
        neverSubmitted && job.data.rateLimited ? 'rate_limited_too_long' : 'deadline_exceeded',
        `deadline ${new Date(job.data.deadlineAt).toISOString()} passed ${job.data.step === 'poll' ? `after ${job.data.polls ?? 0} polls` : 'before submission'}`,
      );
    }
  };

  /** Retryable failure: let BullMQ back off and retry, or fail for good on the last attempt. */
  const retryOrExhaust = (job: Job<EditJobData>, err: unknown, reason: string): never => {
    const attempts = job.opts.attempts ?? 1;
    const message = coerceError(err).message;
    if (job.attemptsMade + 1 >= attempts) {
      fail(job, 'retries_exhausted', `${reason} after ${attempts} attempts: ${message}`);
    }
    observer.retrying?.(job, reason, err);
    throw coerceError(err);
  };

  /** Shared handling of an API error on either step. */
  const onApiError = async (
    job: Job<EditJobData>,
    token: string | undefined,
    err: unknown,
    cls: string,
    signal: AbortSignal | undefined,
  ): Promise<never> => {
    if (signal?.aborted) {
      // Shutdown or lock loss: hand the job back as delayed, state kept, no attempt spent.
      return delay(job, token, 0);
    }
    if (err instanceof RateLimitedError) {
      observer.rateLimited?.(job.data.account, cls, err.retryAfterMs);
      await options.budget.penalize(job.data.account, cls, err.retryAfterMs);
      // A 429 does not spend an attempt: the job waits for Retry-After as a delayed job.
      await job.updateData({ ...job.data, rateLimited: (job.data.rateLimited ?? 0) + 1 });
      return delay(job, token, err.retryAfterMs * (1 + Math.random() * 0.1));
    }
    if (err instanceof SubmitOutcomeUnknownError) {
      // The POST got no reply: Adobe may or may not have the job, and it offers no idempotency
      // key to ask. Darkroom resubmits on the next attempt: output keys are fixed per job, so a
      // second remote run rewrites the same objects; the cost is at most one extra Adobe job per
      // lost reply, and the log line says so.
      return retryOrExhaust(job, err, 'submit_outcome_unknown');
    }
    const verdict = classifyError(err);
    switch (verdict.action) {
      case 'retry':
      case 'slow_down':
        return retryOrExhaust(job, err, verdict.reason);
      case 'refresh_auth':
        return fail(job, 'auth_failed', describeError(err));
      case 'fail':
        return fail(job, 'client_error', describeError(err));
    }
  };

  const submit = async (
    job: Job<EditJobData>,
    token: string | undefined,
    pickedAt: number,
    signal?: AbortSignal,
  ): Promise<never> => {
    const data = job.data;
    const operation = getOperation(data.request.operation);
    const cls = submitBudgetClassOf(operation.id);

    const ttlSeconds = Math.min(
      MAX_PRESIGN_TTL_S,
      Math.ceil((Math.max(data.deadlineAt - Date.now(), 0) + presignMarginMs) / 1000),
    );
    // Presigned now, in memory only: they reach Adobe in the body and nowhere else.
    const outputTypes = new Map(data.request.outputs.map((o) => [o.ref, contentTypeOf(o)]));
    let body: unknown;
    try {
      body = await buildRequestBody(operation.id, requestBody(data.request), async (ref, how) => {
        const signed =
          how.access === 'read'
            ? await options.storage.presignRead(ref, ttlSeconds)
            : await options.storage.presignWrite(ref, ttlSeconds, {
                contentType: how.contentType ?? outputTypes.get(ref),
              });
        return { href: signed.href, storage: signed.storage };
      });
    } catch (err) {
      return fail(job, 'invalid_job', describeError(err));
    }

    // The token is taken last, right before the POST: Adobe counts the request when it arrives,
    // so the less work between grant and send, the closer Adobe's window matches the budget's.
    await takeToken(job, token, cls);
    let submitted: { statusUrl: string; jobId?: string };
    const submits = (data.submits ?? 0) + 1;
    try {
      submitted = await options
        .api(data.account)
        .submit(operation.id, body, signal ? { signal } : {});
    } catch (err) {
      return onApiError(job, token, err, cls, signal);
    }
    const now = Date.now();
    // The checkpoint: from here on, any pick-up of this job polls instead of submitting again.
    const next: EditJobData = {
      ...data,
      startedAt: data.startedAt ?? pickedAt,
      step: 'poll',
      statusUrl: submitted.statusUrl,
      ...(submitted.jobId ? { remoteJobId: submitted.jobId } : {}),
      submittedAt: now,
      submits,
      polls: 0,
    };
    await job.updateData(next);
    observer.submitted?.(job, { ...(submitted.jobId ? { remoteJobId: submitted.jobId } : {}) });
    const estimate = await options.estimator.estimate(
      operation.id,
      options.defaultEstimate(operation.durationClass),
    );
    return delay(job, token, options.schedule.firstPollDelay(estimate));
  };

  const poll = async (
    job: Job<EditJobData>,
    token: string | undefined,
    signal?: AbortSignal,
  ): Promise<EditJobResult> => {
    const data = job.data;
    const operation = getOperation(data.request.operation);
    const cls = statusBudgetClassOf(operation.id);
    if (!data.statusUrl) return fail(job, 'invalid_job', 'poll step without a saved status URL');
    await takeToken(job, token, cls);

    let status: NormalizedStatus;
    try {
      status = await options.api(data.account).getStatus(data.statusUrl, {
        operationId: operation.id,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      return onApiError(job, token, err, cls, signal);
    }
    const polls = (data.polls ?? 0) + 1;
    const remoteJobId = data.remoteJobId ?? status.jobId;
    observer.polled?.(job, { state: status.state });

    if (status.state === 'pending' || status.state === 'running') {
      await job.updateData({ ...data, polls, ...(remoteJobId ? { remoteJobId } : {}) });
      const estimate = await options.estimator.estimate(
        operation.id,
        options.defaultEstimate(operation.durationClass),
      );
      return delay(job, token, options.schedule.nextPollDelay(estimate, polls));
    }

    const now = Date.now();
    const submittedAt = data.submittedAt ?? now;
    const remoteStart = status.created?.getTime() ?? submittedAt;
    const remoteFinishedAt = Math.min(now, status.modified?.getTime() ?? now);
    await job.updateData({ ...data, polls, ...(remoteJobId ? { remoteJobId } : {}) });

    if (status.state === 'failed') {
      const e = status.error;
      const detail = [e?.type, e?.code !== undefined ? String(e.code) : undefined, e?.title]
        .filter(Boolean)
        .join(' ');
      return fail(
        job,
        'remote_failed',
        `Adobe job ${remoteJobId ?? ''} failed${detail ? `: ${detail}` : ''}`.trim(),
      );
    }

    await options.estimator.record(operation.id, Math.max(0, remoteFinishedAt - remoteStart));
    if (operation.maxOutputs === 0) {
      const target = data.request.outputs[0];
      if (target) {
        const document = withoutUrls(status.manifest ?? status.raw);
        await options.storage.upload(
          target.ref,
          Buffer.from(JSON.stringify(document, null, 2)),
          'application/json',
        );
      }
    }
    const outputs = [];
    // Checked together (up to 25 outputs): the slot is held for the slowest check, not their sum.
    const stats = await Promise.all(data.request.outputs.map((o) => options.storage.stat(o.ref)));
    for (const [i, output] of data.request.outputs.entries()) {
      const stat = stats[i]!;
      if (!stat.exists || !stat.size) {
        return fail(
          job,
          'output_missing',
          `${output.ref} is ${stat.exists ? 'empty' : 'missing'} after Adobe reported success`,
        );
      }
      outputs.push({ ref: output.ref, size: stat.size });
    }
    const startedAt = data.startedAt ?? submittedAt;
    const result: EditJobResult = {
      outputs,
      ...(remoteJobId ? { remoteJobId } : {}),
      polls,
      submits: data.submits ?? 1,
      timings: {
        enqueuedAt: data.enqueuedAt,
        startedAt,
        submittedAt,
        remoteFinishedAt,
        completedAt: now,
        queuedMs: Math.max(0, startedAt - data.enqueuedAt),
        remoteMs: Math.max(0, remoteFinishedAt - remoteStart),
        detectionLagMs: Math.max(0, now - remoteFinishedAt),
      },
    };
    observer.completed?.(job, result);
    return result;
  };

  return async function processEditJob(
    job: Job<EditJobData, EditJobResult>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<EditJobResult> {
    // When the job was first taken (queue wait ends here); saved with the checkpoint.
    const pickedAt = Date.now();
    await checkStop(job);
    if (job.data.step === 'poll' && job.data.statusUrl) return poll(job, token, signal);
    return submit(job, token, pickedAt, signal);
  };
}

function describeError(err: unknown): string {
  if (err instanceof HttpError) {
    const adobe = [err.type, err.code !== undefined ? String(err.code) : undefined, err.title]
      .filter(Boolean)
      .join(' ');
    return `HTTP ${err.status}${adobe ? ` ${adobe}` : ''}`;
  }
  return coerceError(err).message;
}
