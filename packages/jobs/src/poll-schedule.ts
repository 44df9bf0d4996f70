/** How the step machine spaces status polls. */
export interface PollScheduleOptions {
  /**
   * Shortest gap between two polls of one job.
   * @defaultValue 250
   */
  minIntervalMs?: number;
  /**
   * Longest gap between two polls; Adobe's status-migration guide suggests backing off to 30 s.
   * @defaultValue 30000
   */
  maxIntervalMs?: number;
  /**
   * Growth of the gap after each poll that found the job still running.
   * @defaultValue 1.5
   */
  backoffFactor?: number;
  /**
   * How many mean deviations past the mean duration the first poll aims at. 1 puts it near the
   * 80th percentile of a roughly symmetric distribution: most jobs are done at the first poll.
   * @defaultValue 1
   */
  firstPollDeviations?: number;
}

export interface DurationEstimate {
  /** Mean remote duration, ms. */
  meanMs: number;
  /** Mean absolute deviation, ms. */
  deviationMs: number;
}

const defaults: Required<PollScheduleOptions> = {
  minIntervalMs: 250,
  maxIntervalMs: 30_000,
  backoffFactor: 1.5,
  firstPollDeviations: 1,
};

export class PollSchedule {
  private readonly opts: Required<PollScheduleOptions>;

  constructor(options: PollScheduleOptions = {}) {
    this.opts = { ...defaults, ...options };
  }

  /** Delay from submission to the first poll: where the job is most likely done. */
  firstPollDelay(estimate: DurationEstimate): number {
    const target = estimate.meanMs + this.opts.firstPollDeviations * estimate.deviationMs;
    return this.clamp(target);
  }

  /**
   * Delay before the next poll when poll number `pollsMade` (1-based) found the job running.
   * Starts at a fifth of the expected duration, then grows by the backoff factor.
   */
  nextPollDelay(estimate: DurationEstimate, pollsMade: number): number {
    const base = Math.max(this.opts.minIntervalMs, estimate.meanMs / 5);
    return this.clamp(base * this.opts.backoffFactor ** Math.max(0, pollsMade - 1));
  }

  private clamp(ms: number): number {
    return Math.round(Math.min(this.opts.maxIntervalMs, Math.max(this.opts.minIntervalMs, ms)));
  }
}
