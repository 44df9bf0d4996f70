import { collectDefaultMetrics, type Registry } from 'prom-client';

export interface ProcessMetricsOptions {
  /**
   * Prefix of the default metric names (`darkroom_process_cpu_seconds_total`,
   * `darkroom_nodejs_eventloop_lag_p99_seconds`, ...).
   * @defaultValue `'darkroom_'`
   */
  prefix?: string;
}

/**
 * Registers prom-client's default process metrics: CPU, memory, handles, GC and event-loop lag.
 * Event-loop lag is what tells a busy worker from a wedged one.
 */
export function collectProcessMetrics(
  register: Registry,
  options: ProcessMetricsOptions = {},
): void {
  const prefix = options.prefix ?? 'darkroom_';
  collectDefaultMetrics({ register, prefix });
  // These three are gauges named like counters, which Prometheus tooling rejects
  // (`promtool check metrics`); `nodejs_active_handles` and friends carry the same numbers.
  for (const name of MISNAMED_GAUGES) register.removeSingleMetric(`${prefix}${name}`);
}

const MISNAMED_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];
