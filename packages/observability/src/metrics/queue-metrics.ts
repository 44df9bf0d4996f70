import { Counter, Gauge, type Registry } from 'prom-client';
import { boundLabel } from './labels';

/** Job counts of one queue, as BullMQ's `getJobCounts` reports them. */
export interface QueueCounts {
  waiting: number;
  prioritized: number;
  delayed: number;
  active: number;
  failed: number;
  completed?: number;
  /** Delayed jobs whose time has come (a poll or retry that is due): work ready to run now. */
  delayed_due?: number;
  /** Edits waiting in their tenants' lines for fair dispatch to admit them (in no BullMQ state). */
  parked?: number;
}

/**
 * What a scrape needs to know about one queue: Darkroom's one description of a queue's state
 * (`queueSnapshot` of `@darkroom/jobs` reads it from BullMQ and Redis).
 */
export interface QueueSnapshot {
  queue: string;
  counts: QueueCounts;
  /** Age of the oldest job waiting to be picked up, or null when none is waiting. */
  oldestWaitingAgeSeconds: number | null;
}

export interface QueueMetricsOptions {
  /** The registry the metrics are registered in. */
  register: Registry;
  /** Reads the queues; called once per scrape, so it should be a handful of Redis commands. */
  collect: () => Promise<QueueSnapshot[]>;
}

/** The states the `state` label of `darkroom_queue_jobs` takes, one per count of a snapshot. */
export const QUEUE_STATES = [
  'waiting',
  'prioritized',
  'delayed',
  'delayed_due',
  'parked',
  'active',
  'failed',
  'completed',
] as const;

/**
 * Queue depth and the age of the oldest waiting job, read from Redis when Prometheus scrapes.
 * Reading on scrape rather than on a timer means no timer to stop and numbers that are never
 * older than the scrape itself.
 */
export class QueueMetrics {
  private readonly jobs: Gauge<'queue' | 'state'>;
  private readonly oldest: Gauge<'queue'>;
  private readonly errors: Counter;
  private readonly read: () => Promise<QueueSnapshot[]>;
  private inFlight: Promise<QueueSnapshot[] | undefined> | undefined;

  constructor({ register, collect }: QueueMetricsOptions) {
    const registers = [register];
    this.read = collect;
    // Both gauges are filled from one read: whichever collect() runs first starts it and the
    // other awaits the same promise.
    this.jobs = new Gauge({
      name: 'darkroom_queue_jobs',
      help: 'Jobs in a queue, by state.',
      labelNames: ['queue', 'state'],
      registers,
      collect: async () => {
        const snapshots = await this.snapshot();
        this.jobs.reset();
        for (const s of snapshots ?? []) {
          for (const state of QUEUE_STATES) {
            const n = s.counts[state];
            if (n !== undefined) this.jobs.set({ queue: boundLabel(s.queue), state }, n);
          }
        }
      },
    });
    this.oldest = new Gauge({
      name: 'darkroom_queue_oldest_waiting_age_seconds',
      help: 'Age of the oldest job waiting in a queue; 0 when none is waiting.',
      labelNames: ['queue'],
      registers,
      collect: async () => {
        const snapshots = await this.snapshot();
        this.oldest.reset();
        for (const s of snapshots ?? []) {
          this.oldest.set({ queue: boundLabel(s.queue) }, s.oldestWaitingAgeSeconds ?? 0);
        }
      },
    });
    // Registered after the gauges: by the time a scrape reaches it, the gauges have started
    // this scrape's read, and awaiting that read makes a failure count in the same scrape.
    this.errors = new Counter({
      name: 'darkroom_queue_collect_errors_total',
      help: 'Scrapes whose queue read failed; queue gauges are left out of those scrapes.',
      registers,
      collect: async () => {
        await this.inFlight;
      },
    });
  }

  private snapshot(): Promise<QueueSnapshot[] | undefined> {
    // A failed read must not fail the whole scrape: process and pipeline metrics still matter
    // most when Redis is in trouble.
    this.inFlight ??= this.read()
      .catch(() => {
        this.errors.inc();
        return undefined;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
