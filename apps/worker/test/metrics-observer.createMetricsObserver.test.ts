import type { Job } from 'bullmq';
import type { EditJobData, EditJobResult } from '@darkroom/jobs';
import {
  apiRequestRecorder,
  createMetricsObserver,
  createWorkerMetrics,
  type WorkerMetrics,
} from '../src/metrics-observer';
import { capturedLogger } from './support/log-capture';

/** A job as the observer reads it: id, operation, account, attempt and step. */
const job = {
  id: '42',
  data: { request: { operation: 'renditionCreate' }, account: 'acme', step: 'poll' },
  attemptsMade: 1,
  opts: { attempts: 4 },
} as unknown as Job<EditJobData>;

const result = {
  outputs: [],
  polls: 3,
  submits: 1,
  confirmedBy: 'status',
  timings: {
    enqueuedAt: 1_000,
    startedAt: 1_500,
    submittedAt: 2_000,
    remoteFinishedAt: 5_000,
    completedAt: 5_500,
    queuedMs: 500,
    remoteMs: 3_000,
    detectionLagMs: 500,
  },
} as EditJobResult;

/** The value of one series, found by its labels, or undefined when it was never touched. */
async function valueOf(
  metrics: WorkerMetrics,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = await metrics.register.getSingleMetric(name)?.get();
  return metric?.values.find((v) =>
    Object.entries(labels).every(([k, want]) => (v.labels as Record<string, unknown>)[k] === want),
  )?.value;
}

describe('createMetricsObserver', () => {
  it('counts a completed job with its timings and logs it with the job scope', async () => {
    const metrics = createWorkerMetrics();
    const { logger, records } = capturedLogger();
    createMetricsObserver(metrics, logger).completed?.(job, result);

    const labels = { operation: 'renditionCreate', account: 'acme' };
    expect(await valueOf(metrics, 'darkroom_jobs_completed_total', labels)).toBe(1);
    expect(await valueOf(metrics, 'darkroom_job_duration_seconds', { ...labels, le: '+Inf' })).toBe(
      1,
    );
    expect(records()).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'attempt 2 of 4: completed',
        jobId: '42',
        operation: 'renditionCreate',
        account: 'acme',
        attempt: 2,
        maxAttempts: 4,
        step: 'poll',
        polls: 3,
        remoteMs: 3_000,
        detectionLagMs: 500,
      }),
    ]);
  });

  it('counts a failure by reason and a retry by reason', async () => {
    const metrics = createWorkerMetrics();
    const observer = createMetricsObserver(metrics, capturedLogger().logger);
    observer.failed?.(job, 'client_error', 'HTTP 400 InputValidationError');
    observer.retrying?.(job, 'server_error', new Error('HTTP 503'));

    expect(
      await valueOf(metrics, 'darkroom_jobs_failed_total', {
        operation: 'renditionCreate',
        account: 'acme',
        reason: 'client_error',
      }),
    ).toBe(1);
    expect(await valueOf(metrics, 'darkroom_job_retries_total', { reason: 'server_error' })).toBe(
      1,
    );
  });

  it('labels budget and rate-limit series by kind of call only', async () => {
    const metrics = createWorkerMetrics();
    const { logger, records } = capturedLogger();
    const observer = createMetricsObserver(metrics, logger);
    observer.budgetGranted?.('acme', 'status-cutout');
    observer.budgetGranted?.('acme', 'status');
    observer.rateLimited?.('acme', 'submit-mask', 2_000);

    const granted = { account: 'acme', class: 'status' };
    expect(await valueOf(metrics, 'darkroom_budget_granted_total', granted)).toBe(2);
    const limited = { account: 'acme', class: 'submit' };
    expect(await valueOf(metrics, 'darkroom_api_rate_limited_total', limited)).toBe(1);
    expect(records()).toEqual([
      expect.objectContaining({
        level: 'warn',
        class: 'submit-mask',
        retryAfterMs: 2_000,
        msg: 'rate limited by Adobe; budget paused',
      }),
    ]);
  });
});

describe('apiRequestRecorder', () => {
  it('counts calls by endpoint and status class, a call without a reply as error', async () => {
    const metrics = createWorkerMetrics();
    const record = apiRequestRecorder(metrics.api);
    record({ endpointClass: 'submit', method: 'POST', status: 503, durationMs: 40, attempt: 1 });
    record({ endpointClass: 'submit', method: 'POST', durationMs: 5_000, attempt: 2 });

    const name = 'darkroom_api_requests_total';
    expect(await valueOf(metrics, name, { endpoint_class: 'submit', status_class: '5xx' })).toBe(1);
    expect(await valueOf(metrics, name, { endpoint_class: 'submit', status_class: 'error' })).toBe(
      1,
    );
  });
});
