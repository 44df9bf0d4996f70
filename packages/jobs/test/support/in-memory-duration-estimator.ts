import type { DurationEstimator } from '../../src/duration-estimator';
import type { DurationEstimate } from '../../src/poll-schedule';
import type { CallLog } from './call-log';

/**
 * Learned remote durations held in a map. The step machine takes the `DurationEstimator` class
 * rather than an interface, so this stands in for it through `asEstimator()`.
 */
export class InMemoryDurationEstimator implements Pick<DurationEstimator, 'estimate' | 'record'> {
  readonly learned = new Map<string, DurationEstimate>();

  constructor(private readonly log: CallLog) {}

  estimate(operation: string, fallback: DurationEstimate): Promise<DurationEstimate> {
    this.log.record('estimator', 'estimate', [operation, fallback]);
    return Promise.resolve(this.learned.get(operation) ?? fallback);
  }

  record(operation: string, durationMs: number): Promise<void> {
    this.log.record('estimator', 'record', [operation, durationMs]);
    return Promise.resolve();
  }

  asEstimator(): DurationEstimator {
    return this as unknown as DurationEstimator;
  }
}
