import { Registry } from 'prom-client';
import {
  ADOBE_DOCUMENTED_STATUSES,
  ApiMetrics,
  BudgetMetrics,
  STATUS_LABELS,
  statusClassOf,
  statusLabelOf,
} from '../src';

describe('ApiMetrics', () => {
  it('counts requests by endpoint class, status class and status, and times them by class', async () => {
    const register = new Registry();
    const api = new ApiMetrics({ register });
    api.request('submit', 202, 0.2);
    api.request('submit', 202, 0.4);
    api.request('status', 503, 0.05);
    const total = await register.getSingleMetricAsString('darkroom_api_requests_total');
    expect(total).toContain(
      'darkroom_api_requests_total{endpoint_class="submit",status_class="2xx",status="202"} 2',
    );
    expect(total).toContain(
      'darkroom_api_requests_total{endpoint_class="status",status_class="5xx",status="503"} 1',
    );
    const latency = await register.getSingleMetricAsString('darkroom_api_request_duration_seconds');
    expect(latency).toMatch(
      /darkroom_api_request_duration_seconds_sum\{endpoint_class="submit",status_class="2xx"\} 0\.6/,
    );
    expect(latency).not.toContain('status="');
  });

  it('tells a 400 from a 404, folds undocumented statuses into other and no reply into error', async () => {
    const register = new Registry();
    const api = new ApiMetrics({ register });
    for (const status of [400, 404, 404, 418, 599, undefined]) api.request('submit', status, 0.1);
    const series = (await register.getSingleMetric('darkroom_api_requests_total')?.get())?.values;
    expect(series?.map(({ labels, value }) => [labels.status_class, labels.status, value])).toEqual(
      [
        ['4xx', '400', 1],
        ['4xx', '404', 2],
        ['4xx', 'other', 1],
        ['5xx', 'other', 1],
        ['error', 'error', 1],
      ],
    );
  });

  it('counts 429s per account and class and records the Retry-After values seen', async () => {
    const register = new Registry();
    const api = new ApiMetrics({ register });
    api.rateLimited('acct-a', 'submit', 2);
    api.rateLimited('acct-a', 'submit', 30);
    const limited = await register.getSingleMetricAsString('darkroom_api_rate_limited_total');
    expect(limited).toContain('darkroom_api_rate_limited_total{account="acct-a",class="submit"} 2');
    const after = await register.getSingleMetricAsString('darkroom_api_retry_after_seconds');
    expect(after).toContain(
      'darkroom_api_retry_after_seconds_bucket{le="2",account="acct-a",class="submit"} 1',
    );
    expect(after).toContain(
      'darkroom_api_retry_after_seconds_sum{account="acct-a",class="submit"} 32',
    );
  });

  it('labels every status Adobe documents as itself and keeps the label set bounded', () => {
    expect(ADOBE_DOCUMENTED_STATUSES.map(statusLabelOf)).toEqual(
      ADOBE_DOCUMENTED_STATUSES.map(String),
    );
    const seen = new Set(Array.from({ length: 600 }, (_, i) => statusLabelOf(i)));
    seen.add(statusLabelOf(undefined));
    expect([...seen].sort()).toEqual([...STATUS_LABELS].sort());
  });

  it('classifies status codes, with no response as error', () => {
    expect([200, 302, 404, 429, 503, undefined].map(statusClassOf)).toEqual([
      '2xx',
      '3xx',
      '4xx',
      '4xx',
      '5xx',
      'error',
    ]);
  });
});

describe('BudgetMetrics', () => {
  it('counts grants, records waits and sets the effective rate', async () => {
    const register = new Registry();
    const budget = new BudgetMetrics({ register });
    budget.granted('acct-a', 'status');
    budget.granted('acct-a', 'status', 3);
    budget.waited('acct-a', 'status', 0.75);
    budget.setEffectiveRate('acct-a', 'status', 10);
    budget.setEffectiveRate('acct-a', 'status', 2.5);
    expect(await register.getSingleMetricAsString('darkroom_budget_granted_total')).toContain(
      'darkroom_budget_granted_total{account="acct-a",class="status"} 4',
    );
    expect(await register.getSingleMetricAsString('darkroom_budget_wait_seconds')).toContain(
      'darkroom_budget_wait_seconds_sum{account="acct-a",class="status"} 0.75',
    );
    expect(
      await register.getSingleMetricAsString('darkroom_budget_effective_rate_per_second'),
    ).toContain('darkroom_budget_effective_rate_per_second{account="acct-a",class="status"} 2.5');
  });
});
