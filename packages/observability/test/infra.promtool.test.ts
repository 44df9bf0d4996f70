import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { INFRA, alertExprs, readInfra } from './promql';
import { promtool } from './promtool';

const ALERTS = resolve(INFRA, 'prometheus/alerts.yml');
const W = 'job="darkroom-worker",instance="w1:9464"';
const Q = 'queue="darkroom-edits"';

/** Grouping each alert is checked by: one sample per firing group. */
const GROUPING: Record<string, string> = {
  DarkroomJobStalled: 'queue',
  DarkroomConsumerWedged: 'queue',
  DarkroomRateLimitedTooOften: '',
  DarkroomFailureRatioHigh: '',
  DarkroomOldestJobWaitingTooLong: 'queue',
  DarkroomEventLoopLagHigh: 'job, instance',
};

interface Scenario {
  name: string;
  series: Record<string, string>;
  firing: Record<string, string | undefined>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'everything wrong at once',
    series: {
      [`darkroom_jobs_stalled_total{${W},${Q}}`]: '0+0x25 1+0x4',
      [`darkroom_queue_jobs{${W},${Q},state="waiting"}`]: '5+0x30',
      [`darkroom_jobs_completed_total{${W},operation="autoTone",account="acct-a"}`]: '100+0x30',
      [`darkroom_jobs_failed_total{${W},operation="autoTone",account="acct-a",reason="client_error"}`]:
        '0+10x30',
      [`darkroom_api_requests_total{${W},endpoint_class="status",status_class="2xx"}`]: '0+100x30',
      [`darkroom_api_rate_limited_total{${W},account="acct-a",class="status"}`]: '0+5x30',
      [`darkroom_queue_oldest_waiting_age_seconds{${W},${Q}}`]: '1000+60x30',
      [`darkroom_nodejs_eventloop_lag_p99_seconds{${W}}`]: '1.5+0x30',
    },
    firing: {
      DarkroomJobStalled: `{${Q}}`,
      DarkroomConsumerWedged: `{${Q}}`,
      DarkroomRateLimitedTooOften: '{}',
      DarkroomFailureRatioHigh: '{}',
      DarkroomOldestJobWaitingTooLong: `{${Q}}`,
      DarkroomEventLoopLagHigh: `{${W}}`,
    },
  },
  {
    name: 'a fresh deployment whose jobs never complete (no completion series at all)',
    series: {
      [`darkroom_queue_jobs{${W},${Q},state="waiting"}`]: '3+0x30',
      [`darkroom_jobs_failed_total{${W},operation="autoTone",account="acct-a",reason="remote_failed"}`]:
        '0+1x30',
    },
    firing: { DarkroomConsumerWedged: `{${Q}}`, DarkroomFailureRatioHigh: '{}' },
  },
  {
    name: 'a healthy, busy fleet',
    series: {
      [`darkroom_jobs_stalled_total{${W},${Q}}`]: '2+0x30',
      [`darkroom_queue_jobs{${W},${Q},state="waiting"}`]: '40+0x30',
      [`darkroom_jobs_completed_total{${W},operation="autoTone",account="acct-a"}`]: '0+100x30',
      [`darkroom_jobs_failed_total{${W},operation="autoTone",account="acct-a",reason="client_error"}`]:
        '0+1x30',
      [`darkroom_api_requests_total{${W},endpoint_class="status",status_class="2xx"}`]: '0+1000x30',
      [`darkroom_api_rate_limited_total{${W},account="acct-a",class="status"}`]: '0+2x30',
      [`darkroom_queue_oldest_waiting_age_seconds{${W},${Q}}`]: '30+0x30',
      [`darkroom_nodejs_eventloop_lag_p99_seconds{${W}}`]: '0.02+0x30',
    },
    firing: {},
  },
];

/** A promtool unit-test file (JSON is YAML) built from the rule file's own expressions. */
function unitTests(): string {
  const exprs = alertExprs(readInfra('prometheus/alerts.yml'));
  expect(exprs.map((e) => e.where.replace('alert ', '')).sort()).toEqual(
    Object.keys(GROUPING).sort(),
  );
  const tests = SCENARIOS.map((scenario) => ({
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
    alert_rule_test:
      Object.keys(scenario.firing).length === 0
        ? Object.keys(GROUPING).map((alertname) => ({
            eval_time: '30m',
            alertname,
            exp_alerts: [],
          }))
        : [],
  }));
  return JSON.stringify({ rule_files: [ALERTS], evaluation_interval: '1m', tests }, null, 2);
}

describe('Prometheus configuration', () => {
  it('passes `promtool check rules` on the alert rules', () => {
    const { status, output } = promtool(['check', 'rules', ALERTS]);
    expect(output).toContain('SUCCESS: 6 rules found');
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
    const dir = await mkdtemp(join(tmpdir(), 'darkroom-alerts-'));
    try {
      const file = join(dir, 'alerts.test.yml');
      await writeFile(file, unitTests());
      const { status, output } = promtool(['test', 'rules', file]);
      expect(output).toContain('SUCCESS');
      expect(status).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
