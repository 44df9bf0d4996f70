import { type FaultConfig, type RequestFaults, type UploadContentType } from './fault-config';
import { SeededRandom } from './random';

export type RequestKind = 'submit' | 'status';

/** What to do to one request before it is handled. */
export type RequestFault =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'drop'; latencyMs: number }
  | { kind: 'error'; status: 500 | 502 | 503 | 504; latencyMs: number }
  | { kind: 'throttle'; retryAfterMs: number; latencyMs: number };

/**
 * What happens to the reply of a submit that was accepted (the job exists and runs): lost,
 * held, answered with a gateway 5xx, or a combination of hold and 5xx (a slow gateway timeout).
 */
export interface AcceptedReplyFault {
  drop: boolean;
  latencyMs: number;
  errorStatus?: 500 | 502 | 503 | 504;
}

/** The storage faults one accepted job carries, decided when it is accepted. */
export interface JobStorageFaults {
  /** Transfers at or after this instant fail as if the presigned URL had expired. */
  urlsExpireAt?: number;
  uploadContentType: UploadContentType;
}

/** What happens to one job-status event, decided when it is published. */
export interface EventFaults {
  drop: boolean;
  journalDrop: boolean;
  duplicate: boolean;
  delayMs: number;
  reorder: boolean;
}

/** Events draw from a stream of their own, so publishing one does not shift request faults. */
const EVENT_STREAM = 0x2545f491;

const DEFAULT_ERROR_STATUSES = [500, 502, 503, 504] as const;
/** A gateway that lost patience with a service that went on answers 502 or 504. */
const DEFAULT_ERROR_AFTER_ACCEPT_STATUSES = [502, 504] as const;

/**
 * Decides, reproducibly, which requests and jobs get a fault. Each call to `setFaults` restarts
 * the generator from the fault set's seed, so a test that sets faults and then sends a fixed
 * sequence of requests always sees the same faults.
 */
export class FaultInjector {
  private config: FaultConfig = {};
  private random: SeededRandom;
  private eventRandom: SeededRandom;
  private throttleLeft = 0;
  private throttleUntil = 0;

  constructor(
    private readonly defaultSeed: number,
    config: FaultConfig = {},
  ) {
    this.random = new SeededRandom(defaultSeed);
    this.eventRandom = new SeededRandom(defaultSeed ^ EVENT_STREAM);
    this.set(config);
  }

  set(config: FaultConfig): void {
    this.config = config;
    this.random = new SeededRandom(config.seed ?? this.defaultSeed);
    this.eventRandom = new SeededRandom((config.seed ?? this.defaultSeed) ^ EVENT_STREAM);
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

  /**
   * The fault, if any, on the reply to an accepted submit. Draws happen only for configured
   * rates, drop first, so fault sets without the newer kinds keep their streams.
   */
  forAcceptedReply(): AcceptedReplyFault {
    const submit = this.config.submit;
    if (this.random.chance(submit?.dropAfterAcceptRate)) return { drop: true, latencyMs: 0 };
    let latencyMs = 0;
    if (submit?.acceptLatencyMs && this.random.chance(submit.acceptLatencyRate ?? 1)) {
      latencyMs = submit.acceptLatencyMs;
    }
    if (!this.random.chance(submit?.errorAfterAcceptRate)) return { drop: false, latencyMs };
    const statuses = submit?.errorAfterAcceptStatuses ?? DEFAULT_ERROR_AFTER_ACCEPT_STATUSES;
    return { drop: false, latencyMs, errorStatus: this.random.pick(statuses) ?? 502 };
  }

  /** Storage faults for a job accepted at `acceptedAt`. */
  forJobStorage(acceptedAt: number): JobStorageFaults {
    const storage = this.config.storage;
    const faults: JobStorageFaults = {
      uploadContentType: storage?.uploadContentType ?? 'output-type',
    };
    const after = storage?.urlExpiresAfterMs;
    if (after !== undefined && this.random.chance(storage?.urlExpiryRate ?? 1)) {
      faults.urlsExpireAt = acceptedAt + after;
    }
    return faults;
  }

  /** The faults of one job-status event; only configured rates draw. */
  forEvent(): EventFaults {
    const events = this.config.events;
    const random = this.eventRandom;
    const journalDrop = random.chance(events?.journalDropRate);
    const drop = random.chance(events?.dropRate);
    const duplicate = !drop && random.chance(events?.duplicateRate);
    const delayed = !drop && !!events?.delayMs && random.chance(events.delayRate ?? 1);
    const reorder = !drop && random.chance(events?.reorderRate);
    return { drop, journalDrop, duplicate, delayMs: delayed ? (events?.delayMs ?? 0) : 0, reorder };
  }

  /** Whether one delivery attempt carries two wrong signatures. */
  badSignature(): boolean {
    return this.eventRandom.chance(this.config.events?.badSignatureRate);
  }

  jobFails(): boolean {
    return this.random.chance(this.config.jobFailureRate);
  }

  uploadFails(): boolean {
    return this.random.chance(this.config.uploadFailureRate);
  }
}
