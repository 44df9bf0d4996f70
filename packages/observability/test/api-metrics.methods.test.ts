import { Registry } from 'prom-client';
import { ApiMetrics, BudgetMetrics, statusClassOf } from '../src';

describe('ApiMetrics', () => {
  it('counts requests and their latency by endpoint class and status class', async () => {
    const register = new Registry();
    const api = new ApiMetrics({ register });
    api.request('submit', '2xx', 0.2);
    api.request('submit', '2xx', 0.4);
    api.request('status', '5xx', 0.05);
    const total = await register.getSingleMetricAsString('darkroom_api_requests_total');
    expect(total).toContain(
      'darkroom_api_requests_total{endpoint_class="submit",status_class="2xx"} 2',
    );
    expect(total).toContain(
      'darkroom_api_requests_total{endpoint_class="status",status_class="5xx"} 1',
    );
    const latency = await register.getSingleMetricAsString('darkroom_api_request_duration_seconds');
    expect(latency).toMatch(
      /darkroom_api_request_duration_seconds_sum\{endpoint_class="submit",status_class="2xx"\} 0\.6/,
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
