import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The emulator's Prometheus metrics, on their own Registry so an embedding process's default
 * registry is untouched. Labels are bounded: route names, operation ids, outcome, status class.
 */
export class EmulatorMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'status_class'>;
  readonly jobs: Counter<'operation' | 'outcome'>;
  readonly throttled: Counter<'budget'>;
  readonly faults: Counter<'kind'>;
  readonly jobSeconds: Histogram<'operation'>;
  readonly eventDeliveries: Counter<'outcome'>;

  constructor(registry = new Registry()) {
    this.registry = registry;
    this.requests = new Counter({
      name: 'emulator_http_requests_total',
      help: 'HTTP requests answered, by route and status class',
      labelNames: ['route', 'status_class'],
      registers: [registry],
    });
    this.jobs = new Counter({
      name: 'emulator_jobs_total',
      help: 'Jobs that reached a final status, by operation and outcome',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    });
    this.throttled = new Counter({
      name: 'emulator_throttled_total',
      help: '429 replies served, by budget (submit, status, sensei_submit, sensei_status, injected)',
      labelNames: ['budget'],
      registers: [registry],
    });
    this.faults = new Counter({
      name: 'emulator_faults_total',
      help: 'Injected faults served, by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.jobSeconds = new Histogram({
      name: 'emulator_job_work_seconds',
      help: 'Wall time of the real work of a job (transfers and image processing)',
      labelNames: ['operation'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.eventDeliveries = new Counter({
      name: 'emulator_event_deliveries_total',
      help: 'Adobe I/O Events webhook POSTs, by outcome (succeeded, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }
}
