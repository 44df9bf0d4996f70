import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { INFRA, alertExprs, readInfra, type NamedExpr } from './promql';
import { promtool } from './promtool';

const ALERTS = resolve(INFRA, 'prometheus/alerts.yml');
const W = 'job="darkroom-worker",instance="w1:9464"';
const P = 'job="darkroom-producer",instance="p1:8080"';
const Q = 'queue="darkroom-edits"';

/** Grouping each alert is checked by: one sample per firing group. */
const GROUPING: Record<string, string> = {
  DarkroomJobStalled: 'queue',
  DarkroomConsumerWedged: 'queue',
  DarkroomNoConsumer: 'queue',
  DarkroomProcessDown: 'job, instance',
  DarkroomRateLimitedTooOften: '',
  DarkroomFailureRatioHigh: '',
  DarkroomOldestJobWaitingTooLong: 'queue',
  DarkroomEventLoopLagHigh: 'job, instance',
};

interface Scenario {
  name: string;
  /** promtool's notation, one sample a minute: `5x10 _x20` is 5 for ten minutes, then none. */
  series: Record<string, string>;
  /** The groups each alert fires for at 30 minutes; an alert left out must not fire. */
  firing: Record<string, string | undefined>;
  /** Also check with `for:` that no alert fires at all. */
  silent?: boolean;
}

/** A worker that runs and is scraped: up, with its slots. */
const workerUp = {
  [`up{${W}}`]: '1+0x30',
  [`darkroom_worker_concurrency{${W}}`]: '50+0x30',
};

const SCENARIOS: Scenario[] = [
  {
    name: 'everything wrong at once',
    series: {
      [`darkroom_jobs_stalled_total{${W},${Q}}`]: '0+0x25 1+0x4',
      [`darkroom_queue_jobs{${W},${Q},state="waiting"}`]: '5+0x30',
      [`darkroom_jobs_completed_total{${W},operation="autoTone",account="acct-a"}`]: '100+0x30',
      [`darkroom_jobs_failed_total{${W},operation="autoTone",account="acct-a",reason="client_error"}`]:
        '0+10x30',
      [`darkroom_api_requests_total{${W},endpoint_class="status",status_class="2xx",status="200"}`]:
        '0+100x30',
      [`darkroom_api_rate_limited_total{${W},account="acct-a",class="status"}`]: '0+5x30',
      [`darkroom_queue_oldest_waiting_age_seconds{${W},${Q}}`]: '1000+60x30',
      [`darkroom_nodejs_eventloop_lag_p99_seconds{${W}}`]: '1.5+0x30',
      [`up{${P}}`]: '0+0x30',
    },
    firing: {
      DarkroomJobStalled: `{${Q}}`,
      DarkroomConsumerWedged: `{${Q}}`,
      DarkroomNoConsumer: `{${Q}}`,
      DarkroomProcessDown: `{${P}}`,
      DarkroomRateLimitedTooOften: '{}',
      DarkroomFailureRatioHigh: '{}',
      DarkroomOldestJobWaitingTooLong: `{${Q}}`,
      DarkroomEventLoopLagHigh: `{${W}}`,
    },
  },
  {
    name: 'a fresh deployment whose jobs never complete (no completion series at all)',
    series: {
      ...workerUp,
      [`darkroom_queue_jobs{${W},${Q},state="waiting"}`]: '3+0x30',
      [`darkroom_jobs_failed_total{${W},operation="autoTone",account="acct-a",reason="remote_failed"}`]:
        '0+1x30',
    },
    firing: { DarkroomConsumerWedged: `{${Q}}`, DarkroomFailureRatioHigh: '{}' },
  },
  {
    // Discovery by DNS forgets a stopped container, so its `up` series ends with it.
    name: 'every worker gone after minute 10 while edits wait: their series end',
    series: {
      [`up{${W}}`]: '1+0x10 _x20',
      [`darkroom_worker_concurrency{${W}}`]: '50+0x10 _x20',
      [`darkroom_queue_jobs{${W},${Q},state="waiting"}`]: '7+0x10 _x20',
      [`darkroom_queue_jobs{${W},${Q},state="prioritized"}`]: '0+0x10 _x20',
      [`darkroom_jobs_completed_total{${W},operation="autoTone",account="acct-a"}`]: '0+20x10 _x20',
    },
    firing: { DarkroomNoConsumer: `{${Q}}` },
  },
  {
    name: 'no worker ever started while the producer enqueues (edits parked, no queue gauge)',
    series: {
      [`up{${P}}`]: '1+0x30',
      [`darkroom_worker_concurrency{${P}}`]: '0+0x30',
      [`darkroom_jobs_enqueued_total{${P},operation="autoTone"}`]: '0+3x30',
    },
    firing: { DarkroomNoConsumer: '{}' },
  },
  {
    name: 'a healthy, busy fleet where many edits are cancelled',
    series: {
      ...workerUp,
      [`up{${P}}`]: '1+0x30',
      [`darkroom_worker_concurrency{${P}}`]: '0+0x30',
      [`darkroom_jobs_enqueued_total{${P},operation="autoTone"}`]: '0+150x30',
      [`darkroom_jobs_stalled_total{${W},${Q}}`]: '2+0x30',
      [`darkroom_queue_jobs{${W},${Q},state="waiting"}`]: '40+0x30',
      [`darkroom_jobs_completed_total{${W},operation="autoTone",account="acct-a"}`]: '0+100x30',
      [`darkroom_jobs_failed_total{${W},operation="autoTone",account="acct-a",reason="client_error"}`]:
        '0+1x30',
      // Half as many cancellations as completions: a failure ratio counting them would fire.
      [`darkroom_jobs_failed_total{${W},operation="autoTone",account="acct-a",reason="cancelled"}`]:
        '0+50x30',
      [`darkroom_api_requests_total{${W},endpoint_class="status",status_class="2xx",status="200"}`]:
        '0+1000x30',
      [`darkroom_api_rate_limited_total{${W},account="acct-a",class="status"}`]: '0+2x30',
      [`darkroom_queue_oldest_waiting_age_seconds{${W},${Q}}`]: '30+0x30',
      [`darkroom_nodejs_eventloop_lag_p99_seconds{${W}}`]: '0.02+0x30',
    },
    firing: {},
    silent: true,
  },
];

/** A promtool unit-test file (JSON is YAML) built from the rule file's own expressions. */
function unitTests(exprs: NamedExpr[], scenarios: Scenario[]): string {
  const tests = scenarios.map((scenario) => ({
    name: scenario.name,
    interval: '1m',
    input_series: Object.entries(scenario.series).map(([series, values]) => ({ series, values })),
    promql_expr_test: exprs.map(({ where, expr }) => {
      const alert = where.replace('alert ', '');
      const labels = scenario.firing[alert];
      return {
        expr: `count by (${GROUPING[alert] ?? ''}) (${expr})`,
        eval_time: '30m',
        exp_samples: labels === undefined ? [] : [{ labels, value: 1 }],
      };
    }),
    // A healthy fleet must be silent, `for:` included.
    alert_rule_test: scenario.silent
      ? Object.keys(GROUPING).map((alertname) => ({ eval_time: '30m', alertname, exp_alerts: [] }))
      : [],
  }));
  return JSON.stringify({ rule_files: [ALERTS], evaluation_interval: '1m', tests }, null, 2);
}

/** Runs `promtool test rules` on the scenarios, with the alert expressions given. */
async function promtoolTest(
  exprs: NamedExpr[],
  scenarios: Scenario[],
): Promise<{ status: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-alerts-'));
  try {
    const file = join(dir, 'alerts.test.yml');
    await writeFile(file, unitTests(exprs, scenarios));
    return promtool(['test', 'rules', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const ruleExprs = (): NamedExpr[] => alertExprs(readInfra('prometheus/alerts.yml'));

describe('Prometheus configuration', () => {
  it('passes `promtool check rules` on the alert rules', () => {
    const { status, output } = promtool(['check', 'rules', ALERTS]);
    expect(output).toContain(`SUCCESS: ${Object.keys(GROUPING).length} rules found`);
    expect(status).toBe(0);
  });

  it('passes `promtool check config` on the scrape config, which loads the alert rules', () => {
    const { status, output } = promtool([
      'check',
      'config',
      resolve(INFRA, 'prometheus/prometheus.yml'),
    ]);
    expect(output).toContain('SUCCESS: 1 rule files found');
    expect(status).toBe(0);
  });

  it('fires each alert on the series it is about and stays silent on a healthy fleet', async () => {
    const exprs = ruleExprs();
    expect(exprs.map((e) => e.where.replace('alert ', '')).sort()).toEqual(
      Object.keys(GROUPING).sort(),
    );
    const { status, output } = await promtoolTest(exprs, SCENARIOS);
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  it('would fire on the healthy fleet if the failure ratio counted cancellations', async () => {
    const counting = ruleExprs().map(({ where, expr }) => ({
      where,
      expr:
        where === 'alert DarkroomFailureRatioHigh'
          ? expr.replaceAll('{reason!="cancelled"}', '')
          : expr,
    }));
    expect(counting).not.toEqual(ruleExprs());
    const healthy = SCENARIOS.filter((scenario) => scenario.silent);
    const { status, output } = await promtoolTest(counting, healthy);
    expect(output).toMatch(/FAILED[\s\S]*darkroom_jobs_failed_total\[15m\]/);
    expect(status).not.toBe(0);
  });

  it('catches a fleet whose workers are all gone only with the no-consumer alert', async () => {
    const gone = SCENARIOS.filter((scenario) => scenario.name.startsWith('every worker gone'));
    expect(gone.map((scenario) => scenario.firing)).toEqual([{ DarkroomNoConsumer: `{${Q}}` }]);
    const others = ruleExprs().filter(({ where }) => where !== 'alert DarkroomNoConsumer');
    const silent = gone.map((scenario) => ({ ...scenario, firing: {} }));
    const { status, output } = await promtoolTest(others, silent);
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });
});
