import { countSeries } from '../src';
import { exerciseAllMetrics } from './exercise';

describe('countSeries', () => {
  it('reports the series of 10 operations × 3 accounts × 4 tenant labels and keeps them bounded', async () => {
    const operations = Array.from({ length: 10 }, (_, i) => `operation${i}`);
    const accounts = ['acct-a', 'acct-b', 'acct-c'];
    // Two configured tenants, `default` and `other` (every tenant the configuration does not name).
    const tenants = ['shop-1', 'shop-2', 'default', 'other'];
    const register = exerciseAllMetrics(operations, accounts, { processMetrics: false, tenants });
    const series = await countSeries(register);
    console.log(
      `darkroom series for 10 operations × 3 accounts × 4 tenant labels (no process metrics): ${series}`,
    );

    // Worked out by hand from the label sets: a change here is a cardinality change to review.
    // A histogram series set: one line per bucket, +Inf, _sum and _count.
    const perHistogram = (buckets: number): number => buckets + 1 + 2;
    const expected =
      10 + // enqueued{operation}
      30 + // completed{operation,account}
      60 + // failed{operation,account,reason} for two reasons
      3 + // retries{reason}
      4 + // reconciliations{outcome}: outputs, event, resubmit, gone
      4 + // adobe events{outcome}, four of the five outcomes
      1 + // adobe event deliveries rejected{reason}
      1 + // stalled{queue}
      3 + // callbacks{outcome}: delivered, retrying, dead
      30 * perHistogram(15) + // duration{operation,account}
      3 * 10 * perHistogram(15) + // queue wait, remote, detection lag {operation}
      10 * perHistogram(9) + // polls{operation}
      2 + // worker gauges
      4 * 5 + // api requests{endpoint_class,status_class,status}: 200, 404, 418 (other), 503, error
      4 * 4 * perHistogram(12) + // api latency{endpoint_class,status_class}: 2xx, 4xx, 5xx, error
      6 + // rate limited{account,class}
      6 * perHistogram(13) + // retry-after
      6 + // budget granted
      6 * perHistogram(13) + // budget wait
      6 + // effective rate
      1 + // queue collect errors
      6 + // queue jobs{queue,state}
      1 + // oldest waiting age
      4 * 3 + // tenant edits{tenant,outcome}
      4 * 2 + // tenant adobe calls{tenant,kind}
      4 * 3; // tenant rate limited, output bytes, remote seconds {tenant}
    expect(series).toBe(expected);
  });
});
