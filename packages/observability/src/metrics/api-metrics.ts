import { Counter, Histogram, type Registry } from 'prom-client';
import { REQUEST_SECONDS_BUCKETS, WAIT_SECONDS_BUCKETS } from './buckets';
import { boundLabel } from './labels';

export type EndpointClass = 'submit' | 'status' | 'token' | 'other';
export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'error';
export type BudgetClass = 'submit' | 'status';

export interface ApiMetricsOptions {
  /** The registry the metrics are registered in. */
  register: Registry;
}

/** The status class of an HTTP status code; `error` when no response arrived. */
export function statusClassOf(status: number | undefined): StatusClass {
  if (status === undefined || status < 200 || status >= 600) return 'error';
  if (status < 300) return '2xx';
  if (status < 400) return '3xx';
  if (status < 500) return '4xx';
  return '5xx';
}

/** Calls to the Photoshop API and the IMS token endpoint, and the 429s they answer. */
export class ApiMetrics {
  private readonly requests: Counter<'endpoint_class' | 'status_class'>;
  private readonly latency: Histogram<'endpoint_class' | 'status_class'>;
  private readonly limited: Counter<'account' | 'class'>;
  private readonly retryAfter: Histogram<'account' | 'class'>;

  constructor({ register }: ApiMetricsOptions) {
    const registers = [register];
    this.requests = new Counter({
      name: 'darkroom_api_requests_total',
      help: 'HTTP requests to the Photoshop API and IMS, by endpoint class and status class.',
      labelNames: ['endpoint_class', 'status_class'],
      registers,
    });
    this.latency = new Histogram({
      name: 'darkroom_api_request_duration_seconds',
      help: 'Duration of HTTP requests to the Photoshop API and IMS.',
      labelNames: ['endpoint_class', 'status_class'],
      buckets: [...REQUEST_SECONDS_BUCKETS],
      registers,
    });
    this.limited = new Counter({
      name: 'darkroom_api_rate_limited_total',
      help: 'Responses with status 429, by account and budget class.',
      labelNames: ['account', 'class'],
      registers,
    });
    this.retryAfter = new Histogram({
      name: 'darkroom_api_retry_after_seconds',
      help: 'Retry-After values carried by 429 responses.',
      labelNames: ['account', 'class'],
      buckets: [...WAIT_SECONDS_BUCKETS],
      registers,
    });
  }

  request(endpointClass: EndpointClass, statusClass: StatusClass, seconds: number): void {
    const labels = { endpoint_class: endpointClass, status_class: statusClass };
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
  }

  rateLimited(account: string, cls: BudgetClass, retryAfterSeconds: number): void {
    const labels = { account: boundLabel(account), class: cls };
    this.limited.inc(labels);
    this.retryAfter.observe(labels, retryAfterSeconds);
  }
}
