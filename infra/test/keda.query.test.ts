import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildKustomization } from './support/kustomize';
import { k8sDir, repoRoot } from './support/paths';
import { promtoolEvaluates as evaluates, type Scenario } from './support/promtool-rules';
import { find } from './support/workloads';

const scaled = find(
  buildKustomization(path.join(k8sDir, 'base')),
  'ScaledObject',
  'darkroom-worker',
).spec as { triggers: { metadata: { query: string; threshold: string } }[] };
const query = scaled.triggers[0]?.metadata.query ?? '';
const promtoolEvaluates = (scenarios: Scenario[]) => evaluates(query, scenarios);

// Two workers with 10 calls in flight each; API calls average 0.5 s (30 s of calls a minute
// over 60 calls).
const busyFleet = {
  'darkroom_worker_active_jobs{pod="a"}': '10x10',
  'darkroom_worker_active_jobs{pod="b"}': '10x10',
  'darkroom_api_request_duration_seconds_sum{endpoint_class="submit",status_class="2xx"}':
    '0+30x10',
  'darkroom_api_request_duration_seconds_count{endpoint_class="submit",status_class="2xx"}':
    '0+60x10',
};
// The same queue gauges from both workers: the query must read one copy, not add them.
const queue = (state: string, value: number): Record<string, string> => ({
  [`darkroom_queue_jobs{queue="edits",state="${state}",pod="a"}`]: `${value}x10`,
  [`darkroom_queue_jobs{queue="edits",state="${state}",pod="b"}`]: `${value}x10`,
});
const account = (name: string): Record<string, string> => ({
  [`darkroom_budget_granted_total{account="${name}",class="submit",pod="a"}`]: '0+100x10',
});

describe('the KEDA trigger query', () => {
  it('counts HTTP-call slots: in flight now, plus a backlog capped by the Adobe budget', () => {
    const result = promtoolEvaluates([
      {
        name: 'small backlog: all of it within 30 s',
        // 20 active + (60 waiting / 30 s) × 0.5 s = 21
        series: { ...busyFleet, ...queue('waiting', 60), ...account('main') },
        expected: 21,
      },
      {
        name: 'huge backlog, one account: capped at 4.6 submits/s',
        // 20 + 4.6 × 0.5 = 22.3, however long the queue
        series: { ...busyFleet, ...queue('waiting', 100_000), ...account('main') },
        expected: 22.3,
      },
      {
        name: 'huge backlog, two accounts: twice the budget',
        series: {
          ...busyFleet,
          ...queue('waiting', 100_000),
          ...account('main'),
          ...account('batch'),
        },
        expected: 24.6,
      },
      {
        name: 'prioritized jobs and due polls count too',
        // 20 + (30 + 30) / 30 × 0.5 + (300 / 30) × 0.5 = 26
        series: {
          ...busyFleet,
          ...queue('prioritized', 30),
          ...queue('waiting', 30),
          ...queue('delayed_due', 300),
          ...account('main'),
        },
        expected: 26,
      },
      {
        name: 'an idle fleet with no samples yet: zero, not an empty result',
        series: { 'up{job="darkroom-worker"}': '1x10' },
        expected: 0,
      },
    ]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('is checked by these scenarios: a wrong expectation fails', () => {
    const result = promtoolEvaluates([
      {
        name: 'the uncapped backlog would be 20 + 3333 × 0.5',
        series: { ...busyFleet, ...queue('waiting', 100_000), ...account('main') },
        expected: 20 + (100_000 / 30) * 0.5,
      },
    ]);
    expect(result.status).not.toBe(0);
  });

  it('reads only metrics the workers export', () => {
    const sources = ['packages/observability/src', 'apps/worker/src'].map(
      (dir) =>
        spawnSync('grep', ['-rhoE', 'darkroom_[a-z_]+|[a-z_]+_(total|seconds|jobs)', dir], {
          cwd: repoRoot,
          encoding: 'utf8',
        }).stdout,
    );
    const exported = sources.join('\n');
    const metrics = new Set(
      [...query.matchAll(/darkroom_[a-z_]+/g)].map(([m]) => m.replace(/_(sum|count)$/, '')),
    );
    expect(metrics.size).toBeGreaterThanOrEqual(4);
    for (const metric of metrics) {
      const bare = metric.replace(/^darkroom_/, '');
      expect({ metric, exported: exported.includes(metric) || exported.includes(bare) }).toEqual({
        metric,
        exported: true,
      });
    }
  });
});
