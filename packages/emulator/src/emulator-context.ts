import { TokenStore } from './auth/token-store';
import { type ResolvedOptions } from './config/options';
import { EventPublisher } from './events/event-publisher';
import { FaultDelays } from './faults/fault-delays';
import { FaultInjector } from './faults/fault-injector';
import { JobManager } from './jobs/job-manager';
import { RateBudgets } from './limits/rate-budgets';
import { Evidence } from './stats/evidence';
import { EmulatorMetrics } from './stats/metrics';

/**
 * Everything a request handler reads or counts: one per emulator, shared by every route, so
 * handlers are plain functions of (context, request).
 */
export interface EmulatorContext {
  readonly options: ResolvedOptions;
  readonly tokens: TokenStore;
  readonly faults: FaultInjector;
  readonly evidence: Evidence;
  readonly metrics: EmulatorMetrics;
  readonly jobs: JobManager;
  readonly budgets: RateBudgets;
  /** Injected latency waits, cut short when the emulator closes. */
  readonly delays: FaultDelays;
  /** Adobe I/O Events: signing keys, journal, webhook deliveries. */
  readonly events: EventPublisher;
  /**
   * The bound address (`http://127.0.0.1:7070`), known once the server listens; links fall
   * back to it when a request carries no Host header.
   */
  origin: string;
}

/** Builds the shared state of one emulator from its resolved options. */
export function createEmulatorContext(options: ResolvedOptions): EmulatorContext {
  const evidence = new Evidence();
  const metrics = new EmulatorMetrics();
  const tokens = new TokenStore(options.clients, options.tokenLifetimeSeconds);
  const faults = new FaultInjector(options.seed, options.faults);
  const events = new EventPublisher(options.events, faults, evidence, metrics);
  const jobs = new JobManager(options, faults, evidence, metrics, (job) => events.jobFinished(job));
  const budgets = new RateBudgets(options);
  const delays = new FaultDelays();
  return { options, tokens, faults, evidence, metrics, jobs, budgets, delays, events, origin: '' };
}

/** Zeroes the evidence counters and the rate-limit windows (`POST /admin/reset`, `resetStats()`). */
export function resetStats(context: EmulatorContext): void {
  context.evidence.reset();
  context.budgets.reset();
}
