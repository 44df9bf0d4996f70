import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { type BudgetClass } from './api-metrics';
import { WAIT_SECONDS_BUCKETS } from './buckets';
import { boundLabel } from './labels';

export interface BudgetMetricsOptions {
  /** The registry the metrics are registered in. */
  register: Registry;
}

/** The fleet-wide request budget per account: tokens granted, time spent waiting, current rate. */
export class BudgetMetrics {
  private readonly grants: Counter<'account' | 'class'>;
  private readonly waits: Histogram<'account' | 'class'>;
  private readonly rate: Gauge<'account' | 'class'>;

  constructor({ register }: BudgetMetricsOptions) {
    const registers = [register];
    this.grants = new Counter({
      name: 'darkroom_budget_granted_total',
      help: 'Request tokens granted from the shared budget.',
      labelNames: ['account', 'class'],
      registers,
    });
    this.waits = new Histogram({
      name: 'darkroom_budget_wait_seconds',
      help: 'Time spent waiting for a request token.',
      labelNames: ['account', 'class'],
      buckets: [...WAIT_SECONDS_BUCKETS],
      registers,
    });
    this.rate = new Gauge({
      name: 'darkroom_budget_effective_rate_per_second',
      help: 'Requests per second the shared budget currently allows (lowered after a 429).',
      labelNames: ['account', 'class'],
      registers,
    });
  }

  granted(account: string, cls: BudgetClass, n = 1): void {
    this.grants.inc({ account: boundLabel(account), class: cls }, n);
  }

  waited(account: string, cls: BudgetClass, seconds: number): void {
    this.waits.observe({ account: boundLabel(account), class: cls }, seconds);
  }

  setEffectiveRate(account: string, cls: BudgetClass, perSecond: number): void {
    this.rate.set({ account: boundLabel(account), class: cls }, perSecond);
  }
}
