import { type Registry } from 'prom-client';

/**
 * The number of time series a registry exposes right now: one per label set of a counter or
 * gauge, and one per bucket plus `_sum` and `_count` of a histogram.
 */
export async function countSeries(register: Registry): Promise<number> {
  const metrics = await register.getMetricsAsJSON();
  return metrics.reduce((total, metric) => total + metric.values.length, 0);
}
