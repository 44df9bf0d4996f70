import {
  TARGET_LABELS,
  metricOfSample,
  referenceProblems,
  registeredMetrics,
  type MetricCatalog,
} from './metric-catalog';
import {
  alertExprs,
  dashboardExprs,
  groupingLabels,
  metricRefs,
  readInfra,
  scrapeJobsOfUp,
  type NamedExpr,
} from './promql';

/** The `job_name`s of the scrape config: what `up{job=…}` can select. */
function scrapeJobs(): string[] {
  const config = readInfra('prometheus/prometheus.yml');
  return [...config.matchAll(/^\s*-\s*job_name:\s*'?([^'\s]+)'?/gm)].map((m) => m[1] ?? '');
}

function problems(exprs: NamedExpr[], catalog: MetricCatalog): string[] {
  const found: string[] = [];
  const jobs = scrapeJobs();
  for (const { where, expr } of exprs) {
    const refs = metricRefs(expr);
    const upJobs = scrapeJobsOfUp(expr);
    if (refs.length === 0 && upJobs.length === 0) {
      found.push(`${where}: reads no darkroom_ metric: ${expr}`);
    }
    for (const job of upJobs) {
      if (!jobs.includes(job)) found.push(`${where}: no scrape job is named ${job}`);
    }
    const known = new Set<string>([...TARGET_LABELS, 'le']);
    for (const ref of refs) {
      found.push(...referenceProblems(where, ref.name, ref.matchers, catalog));
      metricOfSample(ref.name, catalog)?.info.labels.forEach((l) => known.add(l));
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
      'alert DarkroomNoConsumer',
      'alert DarkroomProcessDown',
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
    expect(problems(exprs, await registeredMetrics({ processMetrics: true }))).toEqual([]);
  });

  it('uses only metric names and labels the metric classes export, in every dashboard query', async () => {
    const exprs = dashboardExprs(JSON.parse(readInfra('grafana/darkroom.json')));
    expect(problems(exprs, await registeredMetrics({ processMetrics: true }))).toEqual([]);
  });

  it('would catch a renamed metric, a missing histogram suffix, a wrong label or value, an unknown job', async () => {
    const catalog = await registeredMetrics({ processMetrics: true });
    const bad: NamedExpr[] = [
      { where: 'a', expr: 'rate(darkroom_jobs_done_total[5m])' },
      { where: 'b', expr: 'histogram_quantile(0.9, rate(darkroom_job_polls_seconds_bucket[5m]))' },
      { where: 'c', expr: 'sum by (tenant) (rate(darkroom_jobs_completed_total{acount="x"}[5m]))' },
      { where: 'd', expr: 'time() > 0' },
      { where: 'e', expr: 'sum(rate(darkroom_api_requests_total{status_class="429"}[5m]))' },
      { where: 'f', expr: 'up{job="darkroom-workers"} == 0' },
    ];
    expect(problems(bad, catalog)).toEqual([
      'a: darkroom_jobs_done_total is not a metric the classes register',
      'b: darkroom_job_polls_seconds_bucket is not a metric the classes register',
      'c: darkroom_jobs_completed_total has no label acount',
      'c: groups by tenant, which no metric it reads has',
      'd: reads no darkroom_ metric: time() > 0',
      'e: darkroom_api_requests_total\'s status_class is never "429" (it is one of 2xx, 3xx, 4xx, 5xx, error)',
      'f: no scrape job is named darkroom-workers',
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

  it('leaves cancelled edits out of the failure ratio and the failure rate, and draws them apart', () => {
    const exprs = dashboardExprs(JSON.parse(readInfra('grafana/darkroom.json')));
    const failures = exprs.filter(({ expr }) => expr.includes('darkroom_jobs_failed_total'));
    const ratio = failures.filter(({ where }) => where === 'panel "Failure ratio"');
    expect(ratio).toHaveLength(1);
    // Every read of failures excludes cancellations, but the panels that show them by name.
    const unfiltered = failures.filter(
      ({ expr }) =>
        [...expr.matchAll(/darkroom_jobs_failed_total(\{[^}]*\})?/g)].some(
          ([, selector]) => !/reason(!=|=)"cancelled"/.test(selector ?? ''),
        ) && !expr.startsWith('sum by (reason)'),
    );
    expect(unfiltered).toEqual([]);
    expect(failures.map(({ expr }) => expr)).toContainEqual(
      expect.stringContaining('reason="cancelled"'),
    );
  });

  it('shows Adobe replies by status code', () => {
    const exprs = dashboardExprs(JSON.parse(readInfra('grafana/darkroom.json')));
    expect(exprs.map(({ expr }) => expr)).toContainEqual(
      expect.stringMatching(
        /sum by \([a-z_, ]*\bstatus\b[a-z_, ]*\) \(rate\(darkroom_api_requests_total/,
      ),
    );
  });
});
