import { Counter, Histogram, type Registry } from 'prom-client';
import { REQUEST_SECONDS_BUCKETS } from './buckets';

export interface HttpMetricsOptions {
  /** The registry the metrics are registered in. */
  register: Registry;
}

/**
 * The `route` label of a request that matched no route: every unknown path counts here, so a
 * scanner walking random paths cannot grow the series.
 */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Requests a Darkroom HTTP service answered, by route pattern (`/v1/edits/:id`, never the raw
 * path: an id in a label would make one series per edit), method and status.
 */
export class HttpMetrics {
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly duration: Histogram<'route' | 'method'>;

  constructor({ register }: HttpMetricsOptions) {
    const registers = [register];
    this.requests = new Counter({
      name: 'darkroom_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'darkroom_http_request_duration_seconds',
      help: 'Time from a request arriving to its response ending, by route pattern and method.',
      labelNames: ['route', 'method'],
      buckets: [...REQUEST_SECONDS_BUCKETS],
      registers,
    });
  }

  /**
   * One answered request. `route` must be a pattern the service declares (or
   * {@link UNMATCHED_ROUTE}); `method` is upper-cased here.
   */
  request(route: string, method: string, status: number, seconds: number): void {
    const verb = method.toUpperCase();
    this.requests.inc({ route, method: verb, status: String(status) });
    this.duration.observe({ route, method: verb }, seconds);
  }
}
