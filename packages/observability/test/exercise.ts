import { Registry } from 'prom-client';
import {
  ApiMetrics,
  BudgetMetrics,
  ENDPOINT_CLASSES,
  PipelineMetrics,
  QueueMetrics,
  TenantMetrics,
  collectProcessMetrics,
  type QueueSnapshot,
} from '../src';

/**
 * A registry with every Darkroom metric class registered and every method called for each
 * operation × account combination, the way a busy worker fleet would leave it.
 */
export function exerciseAllMetrics(
  operations: string[] = ['removeBackground'],
  accounts: string[] = ['acct-a'],
  options: { processMetrics?: boolean; tenants?: string[] } = {},
): Registry {
  const register = new Registry();
  const pipeline = new PipelineMetrics({ register });
  const api = new ApiMetrics({ register });
  const budget = new BudgetMetrics({ register });
  const tenants = new TenantMetrics({ register });
  const snapshots: QueueSnapshot[] = [
    {
      queue: 'darkroom-edits',
      counts: { waiting: 3, prioritized: 1, delayed: 4, active: 2, failed: 1, completed: 9 },
      oldestWaitingAgeSeconds: 42,
    },
  ];
  new QueueMetrics({ register, collect: () => Promise.resolve(snapshots) });
  if (options.processMetrics !== false) collectProcessMetrics(register);

  pipeline.setConcurrency(8);
  pipeline.setActive(3);
  pipeline.stalled('darkroom-edits');
  for (const reason of ['server_error', 'rate_limited', 'network']) pipeline.retry(reason);
  for (const outcome of ['outputs', 'event', 'resubmit', 'gone'] as const)
    pipeline.reconciled(outcome);
  for (const outcome of ['edit', 'ambiguous', 'duplicate', 'unknown']) pipeline.adobeEvent(outcome);
  pipeline.adobeEventRejected('signature_mismatch');
  for (const outcome of ['delivered', 'retrying', 'dead'] as const) pipeline.callback(outcome);
  for (const op of operations) {
    pipeline.jobEnqueued(op, 5);
    for (const account of accounts) {
      pipeline.jobCompleted(op, account, {
        totalSeconds: 12.5,
        queueWaitSeconds: 0.4,
        remoteSeconds: 9,
        detectionLagSeconds: 1.2,
        polls: 3,
      });
      pipeline.jobFailed(op, account, 'client_error');
      pipeline.jobFailed(op, account, 'remote_failed');
    }
  }
  for (const account of accounts) {
    for (const cls of ['submit', 'status'] as const) {
      api.rateLimited(account, cls, 2);
      budget.granted(account, cls, 4);
      budget.waited(account, cls, 0.3);
      budget.setEffectiveRate(account, cls, 5);
    }
  }
  for (const tenant of options.tenants ?? ['default', 'other']) {
    for (const outcome of ['completed', 'failed', 'cancelled'] as const)
      tenants.edit(tenant, outcome);
    tenants.adobeCall(tenant, 'submit');
    tenants.adobeCall(tenant, 'status');
    tenants.rateLimited(tenant, 2);
    tenants.outputBytes(tenant, 2048);
    tenants.remoteSeconds(tenant, 9);
  }
  // A success, a documented and an undocumented 4xx, a 5xx and a call with no reply.
  for (const endpoint of ENDPOINT_CLASSES) {
    for (const status of [200, 404, 418, 503, undefined]) api.request(endpoint, status, 0.12);
  }
  return register;
}
