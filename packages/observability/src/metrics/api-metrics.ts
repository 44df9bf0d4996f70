import { Counter, Histogram, type Registry } from 'prom-client';
import { REQUEST_SECONDS_BUCKETS, WAIT_SECONDS_BUCKETS } from './buckets';
import { boundLabel } from './labels';

/** The kinds of call to Adobe: a job's POST, a status read, an IMS token request, anything else. */
export const ENDPOINT_CLASSES = ['submit', 'status', 'token', 'other'] as const;
export type EndpointClass = (typeof ENDPOINT_CLASSES)[number];

/** Status classes of a reply; `error` when no reply arrived (reset, timeout, refused). */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'error'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** The two budgets a call draws on. */
export const BUDGET_CLASSES = ['submit', 'status'] as const;
export type BudgetClass = (typeof BUDGET_CLASSES)[number];

/**
 * The reply statuses Adobe documents for the Photoshop API and IMS: every status its published
 * contract files (v1 and v2 OpenAPI, the v1 error schemas) name, and those its general-workflow
 * page and gateway answer with (201, 413 and 415 at the gateway, 502–504 before or after a job
 * was accepted). Each gets a `status` label value of its own, so a 400 and a 404 are told apart
 * while the series stay bounded; any other status is counted as `other`.
 */
export const ADOBE_DOCUMENTED_STATUSES = [
  200, 201, 202, 400, 401, 402, 403, 404, 409, 410, 413, 415, 422, 429, 500, 502, 503, 504,
] as const;

/** The `status` label of a call that got no reply, like its status class. */
const NO_REPLY = 'error';
/** The `status` label of a reply whose status Adobe does not document. */
const UNDOCUMENTED = 'other';

/** Every value the `status` label takes: the documented statuses, `other` and `error`. */
export const STATUS_LABELS: readonly string[] = [
  ...ADOBE_DOCUMENTED_STATUSES.map(String),
  UNDOCUMENTED,
  NO_REPLY,
];

const DOCUMENTED = new Set<number>(ADOBE_DOCUMENTED_STATUSES);

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

/** The `status` label of a reply: its code when Adobe documents it, `other` otherwise. */
export function statusLabelOf(status: number | undefined): string {
  if (status === undefined) return NO_REPLY;
  return DOCUMENTED.has(status) ? String(status) : UNDOCUMENTED;
}

/** Calls to the Photoshop API and the IMS token endpoint, and the 429s they answer. */
export class ApiMetrics {
  private readonly requests: Counter<'endpoint_class' | 'status_class' | 'status'>;
  private readonly latency: Histogram<'endpoint_class' | 'status_class'>;
  private readonly limited: Counter<'account' | 'class'>;
  private readonly retryAfter: Histogram<'account' | 'class'>;

  constructor({ register }: ApiMetricsOptions) {
    const registers = [register];
    this.requests = new Counter({
      name: 'darkroom_api_requests_total',
      help: 'HTTP requests to the Photoshop API and IMS, by endpoint class, status class and status (the codes Adobe documents; other; error when no reply came).',
      labelNames: ['endpoint_class', 'status_class', 'status'],
      registers,
    });
    // By class only: a status label would multiply every bucket by eighteen codes.
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

  /** One call answered with `status`, or with no reply at all (`undefined`), after `seconds`. */
  request(endpointClass: EndpointClass, status: number | undefined, seconds: number): void {
    const byClass = { endpoint_class: endpointClass, status_class: statusClassOf(status) };
    this.requests.inc({ ...byClass, status: statusLabelOf(status) });
    this.latency.observe(byClass, seconds);
  }

  rateLimited(account: string, cls: BudgetClass, retryAfterSeconds: number): void {
    const labels = { account: boundLabel(account), class: cls };
    this.limited.inc(labels);
    this.retryAfter.observe(labels, retryAfterSeconds);
  }
}
