import { Registry } from 'prom-client';
import { PipelineMetrics } from '../src';

describe('PipelineMetrics', () => {
  let register: Registry;
  let metrics: PipelineMetrics;
  beforeEach(() => {
    register = new Registry();
    metrics = new PipelineMetrics({ register });
  });

  it('counts enqueued jobs per operation', async () => {
    metrics.jobEnqueued('removeBackground');
    metrics.jobEnqueued('removeBackground', 4);
    metrics.jobEnqueued('autoTone');
    const text = await register.getSingleMetricAsString('darkroom_jobs_enqueued_total');
    expect(text).toContain('darkroom_jobs_enqueued_total{operation="removeBackground"} 5');
    expect(text).toContain('darkroom_jobs_enqueued_total{operation="autoTone"} 1');
  });

  it('records a completion with its timings in every histogram', async () => {
    metrics.jobCompleted('autoTone', 'acct-a', {
      totalSeconds: 42,
      queueWaitSeconds: 0.3,
      remoteSeconds: 30,
      detectionLagSeconds: 2,
      polls: 4,
    });
    const completed = await register.getSingleMetricAsString('darkroom_jobs_completed_total');
    expect(completed).toContain('{operation="autoTone",account="acct-a"} 1');
    const duration = await register.getSingleMetricAsString('darkroom_job_duration_seconds');
    expect(duration).toContain(
      'darkroom_job_duration_seconds_bucket{le="30",operation="autoTone",account="acct-a"} 0',
    );
    expect(duration).toContain(
      'darkroom_job_duration_seconds_bucket{le="60",operation="autoTone",account="acct-a"} 1',
    );
    expect(duration).toContain(
      'darkroom_job_duration_seconds_sum{operation="autoTone",account="acct-a"} 42',
    );
    const wait = await register.getSingleMetricAsString('darkroom_job_queue_wait_seconds');
    expect(wait).toContain('darkroom_job_queue_wait_seconds_sum{operation="autoTone"} 0.3');
    const remote = await register.getSingleMetricAsString('darkroom_job_remote_seconds');
    expect(remote).toContain('darkroom_job_remote_seconds_count{operation="autoTone"} 1');
    const lag = await register.getSingleMetricAsString('darkroom_job_detection_lag_seconds');
    expect(lag).toContain('darkroom_job_detection_lag_seconds_sum{operation="autoTone"} 2');
    const polls = await register.getSingleMetricAsString('darkroom_job_polls');
    expect(polls).toContain('darkroom_job_polls_bucket{le="3",operation="autoTone"} 0');
    expect(polls).toContain('darkroom_job_polls_bucket{le="5",operation="autoTone"} 1');
  });

  it('leaves optional timings out rather than recording zeros', async () => {
    metrics.jobCompleted('autoTone', 'acct-a', { totalSeconds: 1, polls: 1 });
    const remote = await register.getSingleMetricAsString('darkroom_job_remote_seconds');
    expect(remote).not.toContain('darkroom_job_remote_seconds_count{');
  });

  it('uses the buckets it is given', async () => {
    const other = new Registry();
    new PipelineMetrics({ register: other, buckets: [1, 10] }).jobCompleted('autoTone', 'a', {
      totalSeconds: 5,
      polls: 1,
    });
    const text = await other.getSingleMetricAsString('darkroom_job_duration_seconds');
    expect(text.match(/_bucket\{/g)).toHaveLength(3);
  });

  it('counts failures by reason code and folds messages and ids into bounded values', async () => {
    metrics.jobFailed('autoTone', 'acct-a', 'client_error');
    metrics.jobFailed(
      'autoTone',
      'acct-a',
      'client_error: InputValidationError input is not a PSD',
    );
    metrics.jobFailed('autoTone', 'acct-a', 'deadline_exceeded');
    metrics.jobFailed('autoTone', 'https://example.com/x?y=1', 'remote_failed');
    const text = await register.getSingleMetricAsString('darkroom_jobs_failed_total');
    expect(text).toContain('{operation="autoTone",account="acct-a",reason="client_error"} 2');
    expect(text).toContain('{operation="autoTone",account="acct-a",reason="deadline_exceeded"} 1');
    expect(text).toContain('{operation="autoTone",account="other",reason="remote_failed"} 1');
    expect(text).not.toContain('example.com');
  });

  it('counts reconciled submits by outcome', async () => {
    metrics.reconciled('outputs');
    metrics.reconciled('outputs');
    metrics.reconciled('resubmit');
    const text = await register.getSingleMetricAsString('darkroom_submit_reconciliations_total');
    expect(text).toContain('darkroom_submit_reconciliations_total{outcome="outputs"} 2');
    expect(text).toContain('darkroom_submit_reconciliations_total{outcome="resubmit"} 1');
    expect(text).not.toContain('outcome="gone"');
  });

  it('counts retries and stalls and sets the worker gauges', async () => {
    metrics.retry('server_error');
    metrics.retry('server_error');
    metrics.stalled('darkroom-edits');
    metrics.setConcurrency(8);
    metrics.setActive(3);
    metrics.setActive(2);
    expect(await register.getSingleMetricAsString('darkroom_job_retries_total')).toContain(
      'darkroom_job_retries_total{reason="server_error"} 2',
    );
    expect(await register.getSingleMetricAsString('darkroom_jobs_stalled_total')).toContain(
      'darkroom_jobs_stalled_total{queue="darkroom-edits"} 1',
    );
    expect(await register.getSingleMetricAsString('darkroom_worker_concurrency')).toContain(
      'darkroom_worker_concurrency 8',
    );
    expect(await register.getSingleMetricAsString('darkroom_worker_active_jobs')).toContain(
      'darkroom_worker_active_jobs 2',
    );
  });

  it('refuses a second registration in the same registry, so two owners cannot collide', () => {
    expect(() => new PipelineMetrics({ register })).toThrow(/already been registered/);
  });
});
