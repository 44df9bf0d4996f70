import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { buildKustomization } from './support/kustomize';
import { k8sDir, repoRoot } from './support/paths';
import { find } from './support/workloads';

const scaled = find(
  buildKustomization(path.join(k8sDir, 'base')),
  'ScaledObject',
  'darkroom-worker',
).spec as { triggers: { metadata: { query: string; threshold: string } }[] };
const query = scaled.triggers[0]?.metadata.query ?? '';

interface Scenario {
  name: string;
  series: Record<string, string>;
  expected: number;
}

/**
 * Runs `promtool test rules` on synthetic series (one sample a minute for ten minutes) and
 * returns promtool's verdict: the trigger's query must evaluate to `expected` at 10m.
 */
function promtoolEvaluates(scenarios: Scenario[]): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'darkroom-keda-'));
  try {
    writeFileSync(path.join(dir, 'rules.yml'), stringify({ groups: [] }));
    const tests = scenarios.map((s) => ({
      name: s.name,
      interval: '1m',
      input_series: Object.entries(s.series).map(([series, values]) => ({ series, values })),
      promql_expr_test: [
        { expr: query, eval_time: '10m', exp_samples: [{ labels: '{}', value: s.expected }] },
      ],
    }));
    writeFileSync(
      path.join(dir, 'test.yml'),
      stringify({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests }),
    );
    const run = spawnSync('promtool', ['test', 'rules', 'test.yml'], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (run.error) throw run.error;
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
