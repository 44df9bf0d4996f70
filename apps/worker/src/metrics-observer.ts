import type { Job } from 'bullmq';
import { Registry } from 'prom-client';
import { coerceError } from '@darkroom/core';
import type { EditJobData, StepObserver } from '@darkroom/jobs';
import {
  ApiMetrics,
  BudgetMetrics,
  collectProcessMetrics,
  PipelineMetrics,
  RunMetrics,
  TenantMetrics,
  scopeJobLogger,
  type Logger,
} from '@darkroom/observability';
import type { RequestEvent } from '@darkroom/photoshop';
import { createUsageRecorder, type TenantAccounting } from './usage-recorder';

/** The metric families one worker process exposes on `/metrics`, all on one registry. */
export interface WorkerMetrics {
  register: Registry;
  pipeline: PipelineMetrics;
  api: ApiMetrics;
  budget: BudgetMetrics;
  tenants: TenantMetrics;
  runs: RunMetrics;
}

/** A fresh registry with process metrics and the worker's job, API and budget families. */
export function createWorkerMetrics(): WorkerMetrics {
  const register = new Registry();
  collectProcessMetrics(register);
  return {
    register,
    pipeline: new PipelineMetrics({ register }),
    api: new ApiMetrics({ register }),
    budget: new BudgetMetrics({ register }),
    tenants: new TenantMetrics({ register }),
    runs: new RunMetrics({ register }),
  };
}

/** Metrics label budgets by kind of call only (submit or status), keeping series bounded. */
export const callClass = (cls: string): 'submit' | 'status' =>
  cls.startsWith('status') ? 'status' : 'submit';

/**
 * Counts every HTTP call an Adobe client makes, by endpoint, status class and status: a call
 * with no reply (reset, timeout) carries no status.
 */
export function apiRequestRecorder(api: ApiMetrics): (event: RequestEvent) => void {
  return (event) => {
    api.request(event.endpointClass, event.status || undefined, event.durationMs / 1000);
  };
}

/** A logger whose every line names the job, its operation, account, attempt and step. */
const jobLogger = (logger: Logger, job: Job<EditJobData>): Logger =>
  scopeJobLogger(logger, {
    jobId: String(job.id),
    operation: job.data.request.operation,
    account: job.data.account,
    attempt: job.attemptsMade + 1,
    maxAttempts: job.opts.attempts ?? 1,
    step: job.data.step,
  });

/**
 * Turns what the step machine reports into metrics and log lines, so operators see each job's
 * progress and outcome without the step machine knowing about Prometheus or pino. With
 * `accounting`, each tenant's use is labelled by DARKROOM_TENANTS and kept in its usage store.
 */
export function createMetricsObserver(
  metrics: WorkerMetrics,
  logger: Logger,
  accounting?: TenantAccounting,
): StepObserver {
  const { pipeline, api, budget } = metrics;
  const usage = createUsageRecorder(metrics.tenants, logger, accounting);
  return {
    submitted: (job, info) => {
      usage.submitted(job);
      jobLogger(logger, job).info({ remoteJobId: info.remoteJobId }, 'submitted');
    },
    polled: (job, info) => {
      usage.polled(job);
      jobLogger(logger, job).debug({ remoteState: info.state }, 'polled');
    },
    reconciled: (job, outcome) => {
      pipeline.reconciled(outcome);
      jobLogger(logger, job).warn(
        { outcome, submits: job.data.submits },
        outcome === 'outputs'
          ? 'submit reply was lost; its outputs were found, nothing sent again'
          : outcome === 'resubmit'
            ? 'submit reply was lost; no output found, sending the next submit'
            : 'submit reply was lost; no output found, giving up',
      );
    },
    budgetGranted: (account, cls) => budget.granted(account, callClass(cls)),
    budgetWait: (account, cls, ms) => budget.waited(account, callClass(cls), ms / 1000),
    rateLimited: (account, cls, ms) => {
      api.rateLimited(account, callClass(cls), ms / 1000);
      logger.warn(
        { account, class: cls, retryAfterMs: ms },
        'rate limited by Adobe; budget paused',
      );
    },
    retrying: (job, reason, err) => {
      pipeline.retry(reason);
      jobLogger(logger, job).warn(
        { reason, err: coerceError(err).message },
        'attempt failed; will retry',
      );
    },
    completed: (job, result) => {
      usage.completed(job, result);
      const t = result.timings;
      pipeline.jobCompleted(job.data.request.operation, job.data.account, {
        totalSeconds: (t.completedAt - t.enqueuedAt) / 1000,
        queueWaitSeconds: t.queuedMs / 1000,
        remoteSeconds: t.remoteMs / 1000,
        detectionLagSeconds: t.detectionLagMs / 1000,
        polls: result.polls,
      });
      jobLogger(logger, job).info(
        { polls: result.polls, remoteMs: t.remoteMs, detectionLagMs: t.detectionLagMs },
        'completed',
      );
    },
    failed: (job, reason, message) => {
      usage.failed(job, reason);
      pipeline.jobFailed(job.data.request.operation, job.data.account, reason);
      jobLogger(logger, job).warn({ reason }, `failed: ${message}`);
    },
  };
}
