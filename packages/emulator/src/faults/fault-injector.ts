import { type FaultConfig, type RequestFaults } from './fault-config';
import { SeededRandom } from './random';

export type RequestKind = 'submit' | 'status';

/** What to do to one request before it is handled. */
export type RequestFault =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'drop'; latencyMs: number }
  | { kind: 'error'; status: 500 | 502 | 503 | 504; latencyMs: number }
  | { kind: 'throttle'; retryAfterMs: number; latencyMs: number };

const DEFAULT_ERROR_STATUSES = [500, 502, 503, 504] as const;

/**
 * Decides, reproducibly, which requests and jobs get a fault. Each call to `setFaults` restarts
 * the generator from the fault set's seed, so a test that sets faults and then sends a fixed
 * sequence of requests always sees the same faults.
 */
export class FaultInjector {
  private config: FaultConfig = {};
  private random: SeededRandom;
  private throttleLeft = 0;
  private throttleUntil = 0;

  constructor(
    private readonly defaultSeed: number,
    config: FaultConfig = {},
  ) {
    this.random = new SeededRandom(defaultSeed);
    this.set(config);
  }

  set(config: FaultConfig): void {
    this.config = config;
    this.random = new SeededRandom(config.seed ?? this.defaultSeed);
    this.throttleLeft = config.throttle?.nextRequests ?? 0;
    this.throttleUntil = config.throttle?.forMs ? Date.now() + config.throttle.forMs : 0;
  }

  current(): FaultConfig {
    return this.config;
  }

  forRequest(kind: RequestKind): RequestFault {
    const faults: RequestFaults | undefined = this.config[kind];
    let latencyMs = 0;
    if (faults?.latencyMs && this.random.chance(faults.latencyRate ?? 1)) {
      latencyMs = faults.latencyMs;
    }
    const throttle = this.config.throttle;
    if (throttle && (throttle.scope ?? 'all') !== (kind === 'submit' ? 'status' : 'submit')) {
      const inWindow = this.throttleUntil > 0 && Date.now() < this.throttleUntil;
      if (this.throttleLeft > 0 || inWindow) {
        if (this.throttleLeft > 0) this.throttleLeft -= 1;
        return { kind: 'throttle', retryAfterMs: throttle.retryAfterMs ?? 1000, latencyMs };
      }
    }
    if (!faults) return { kind: 'none', latencyMs };
    if (this.random.chance(faults.dropRate)) return { kind: 'drop', latencyMs };
    if (this.random.chance(faults.errorRate)) {
      const status = this.random.pick(faults.errorStatuses ?? DEFAULT_ERROR_STATUSES) ?? 500;
      return { kind: 'error', status, latencyMs };
    }
    return { kind: 'none', latencyMs };
  }

  /** Whether an accepted submit loses its reply. */
  dropsAcceptedReply(): boolean {
    return this.random.chance(this.config.submit?.dropAfterAcceptRate);
  }

  jobFails(): boolean {
    return this.random.chance(this.config.jobFailureRate);
  }

  uploadFails(): boolean {
    return this.random.chance(this.config.uploadFailureRate);
  }
}
