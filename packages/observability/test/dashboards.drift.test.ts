import { exerciseAllMetrics } from './exercise';
import {
  alertExprs,
  dashboardExprs,
  exposedSeries,
  groupingLabels,
  metricRefs,
  readInfra,
  type NamedExpr,
} from './promql';

/** Labels Prometheus adds at scrape time, and the histogram bucket label. */
const TARGET_LABELS = new Set(['job', 'instance', 'service', 'le']);

async function exposed(): Promise<Map<string, Set<string>>> {
  const register = exerciseAllMetrics(['autoTone'], ['acct-a']);
  return exposedSeries(await register.metrics());
}

function problems(exprs: NamedExpr[], series: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  for (const { where, expr } of exprs) {
    const refs = metricRefs(expr);
    if (refs.length === 0) found.push(`${where}: reads no darkroom_ metric: ${expr}`);
    const known = new Set<string>(TARGET_LABELS);
    for (const ref of refs) {
      const labels = series.get(ref.name);
      if (!labels) {
        found.push(`${where}: ${ref.name} is not exported by the metric classes`);
        continue;
      }
      labels.forEach((l) => known.add(l));
      for (const label of ref.labels) {
        if (!labels.has(label) && !TARGET_LABELS.has(label)) {
          found.push(`${where}: ${ref.name} has no label ${label}`);
        }
      }
    }
    for (const label of groupingLabels(expr)) {
      if (!known.has(label))
        found.push(`${where}: groups by ${label}, which no metric it reads has`);
    }
  }
  return found;
}

describe('dashboards and alerts against the metric classes', () => {
  it('finds the expressions it checks', () => {
    const alerts = alertExprs(readInfra('prometheus/alerts.yml'));
    expect(alerts.map((a) => a.where)).toEqual([
      'alert DarkroomJobStalled',
      'alert DarkroomConsumerWedged',
      'alert DarkroomRateLimitedTooOften',
      'alert DarkroomFailureRatioHigh',
      'alert DarkroomOldestJobWaitingTooLong',
      'alert DarkroomEventLoopLagHigh',
    ]);
    expect(alerts[1]?.expr).toContain('and on ()');
    const panels = dashboardExprs(JSON.parse(readInfra('grafana/darkroom.json')));
    expect(panels.length).toBeGreaterThan(20);
  });

  it('uses only metric names and labels the metric classes export, in every alert rule', async () => {
    const exprs = alertExprs(readInfra('prometheus/alerts.yml'));
    expect(problems(exprs, await exposed())).toEqual([]);
  });

  it('uses only metric names and labels the metric classes export, in every dashboard query', async () => {
    const exprs = dashboardExprs(JSON.parse(readInfra('grafana/darkroom.json')));
    expect(problems(exprs, await exposed())).toEqual([]);
  });

  it('would catch a renamed metric, a missing histogram suffix and a wrong label', async () => {
    const series = await exposed();
    const bad: NamedExpr[] = [
      { where: 'a', expr: 'rate(darkroom_jobs_done_total[5m])' },
      { where: 'b', expr: 'histogram_quantile(0.9, rate(darkroom_job_polls_seconds_bucket[5m]))' },
      { where: 'c', expr: 'sum by (tenant) (rate(darkroom_jobs_completed_total{acount="x"}[5m]))' },
      { where: 'd', expr: 'up == 0' },
    ];
    expect(problems(bad, series)).toEqual([
      'a: darkroom_jobs_done_total is not exported by the metric classes',
      'b: darkroom_job_polls_seconds_bucket is not exported by the metric classes',
      'c: darkroom_jobs_completed_total has no label acount',
      'c: groups by tenant, which no metric it reads has',
      'd: reads no darkroom_ metric: up == 0',
    ]);
  });

  it('covers what the dashboard must show: throughput, percentiles, reasons, 429s, budget, queues', () => {
    const dashboard = JSON.parse(readInfra('grafana/darkroom.json')) as {
      templating: { list: { name: string }[] };
    };
    const all = dashboardExprs(dashboard)
      .map((e) => e.expr)
      .join('\n');
    expect(all).toContain('histogram_quantile(0.99');
    expect(all).toContain('sum by (reason)');
    for (const name of [
      'darkroom_jobs_completed_total',
      'darkroom_api_rate_limited_total',
      'darkroom_budget_granted_total',
      'darkroom_queue_jobs',
      'darkroom_queue_oldest_waiting_age_seconds',
    ]) {
      expect(all).toContain(name);
    }
    expect(all).toContain('account=~"$account"');
    expect(dashboard.templating.list.map((v) => v.name)).toContain('account');
  });
});
