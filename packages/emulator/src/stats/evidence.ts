import { type AcceptedReplyFaultKind } from '../jobs/job-record';
import { copyEventStats, emptyEventStats, type EventStats } from './event-stats';

/** Per-client counts a test reads to prove what a client did. */
export interface ClientStats {
  /** Submit requests that passed the gateway (accepted, refused, faulted alike). */
  submits: number;
  /** Submits that created a job (answered 202, or faulted after acceptance). */
  accepted: number;
  /** Submits answered 400. */
  rejected: number;
  statusGets: number;
  /** 429s served, from rate limits and from injected throttling. */
  throttled: number;
  /** Injected faults served, by kind (`error500`, `drop`, `latency`, `throttle`, `jobFailure`, `uploadFailure`, `urlExpired`, `errorAfterAccept`...). */
  faults: Record<string, number>;
}

export interface EmulatorStats {
  clients: Record<string, ClientStats>;
  /** Accepted submits per output location (href without query); operations without outputs count their input. */
  submitsByLocation: Record<string, number>;
  /**
   * Every submit that reached the service (past the gateway) per location, whatever it was
   * answered: 202, 400, 429, an injected 5xx or a dropped connection. Retries show up here.
   */
  submitAttemptsByLocation: Record<string, number>;
  /**
   * Every submit POST received per location, counted on arrival (before the gateway), so a
   * submit the gateway refused and the client sent again counts too: what a client says it
   * sent should equal this.
   */
  submitsReceivedByLocation: Record<string, number>;
  /**
   * Submits answered 429 per location (the rate limit or an injected throttle): refused before
   * any work, so a client may send them again without risking a second job.
   */
  submitsThrottledByLocation: Record<string, number>;
  /** Ids of the accepted jobs per location, in the order they were accepted. */
  jobsByLocation: Record<string, string[]>;
  /** Accepted submits whose reply was faulted (the job runs regardless), by kind. */
  acceptedReplyFaults: Record<AcceptedReplyFaultKind, number>;
  /** Status GETs per job id. */
  statusGetsByJob: Record<string, number>;
  /** Requests refused by the gateway (bad token, API key or organization). */
  unauthorized: number;
  /** Adobe I/O Events: events published, webhook deliveries and challenges, injected faults. */
  events: EventStats;
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

const noReplyFaults = (): Record<AcceptedReplyFaultKind, number> => ({
  dropAfterAccept: 0,
  errorAfterAccept: 0,
  slowAccept: 0,
});

export class Evidence {
  private clients = new Map<string, ClientStats>();
  private byLocation = new Map<string, number>();
  private attemptsByLocation = new Map<string, number>();
  private receivedByLocation = new Map<string, number>();
  private throttledByLocation = new Map<string, number>();
  private jobsByLocation = new Map<string, string[]>();
  private replyFaults = noReplyFaults();
  private byJob = new Map<string, number>();
  private unauthorizedCount = 0;
  /** Counted in place by the event publisher and its webhook deliveries. */
  events = emptyEventStats();

  client(id: string): ClientStats {
    let stats = this.clients.get(id);
    if (!stats) {
      stats = { submits: 0, accepted: 0, rejected: 0, statusGets: 0, throttled: 0, faults: {} };
      this.clients.set(id, stats);
    }
    return stats;
  }

  fault(clientId: string, kind: string): void {
    const faults = this.client(clientId).faults;
    faults[kind] = (faults[kind] ?? 0) + 1;
  }

  /** One accepted submit (job `jobId`) for `key`. */
  location(key: string, jobId: string): void {
    count(this.byLocation, key);
    const jobs = this.jobsByLocation.get(key);
    if (jobs) jobs.push(jobId);
    else this.jobsByLocation.set(key, [jobId]);
  }

  attempt(key: string): void {
    count(this.attemptsByLocation, key);
  }

  received(key: string): void {
    count(this.receivedByLocation, key);
  }

  throttled(key: string): void {
    count(this.throttledByLocation, key);
  }

  /** An accepted submit whose reply suffered `kind`, for `clientId`. */
  replyFault(clientId: string, kind: AcceptedReplyFaultKind): void {
    this.replyFaults[kind] += 1;
    this.fault(clientId, kind);
  }

  statusGet(jobId: string): void {
    count(this.byJob, jobId);
  }

  unauthorized(): void {
    this.unauthorizedCount += 1;
  }

  snapshot(): EmulatorStats {
    return {
      clients: Object.fromEntries(
        [...this.clients].map(([id, s]) => [id, { ...s, faults: { ...s.faults } }]),
      ),
      submitsByLocation: Object.fromEntries(this.byLocation),
      submitAttemptsByLocation: Object.fromEntries(this.attemptsByLocation),
      submitsReceivedByLocation: Object.fromEntries(this.receivedByLocation),
      submitsThrottledByLocation: Object.fromEntries(this.throttledByLocation),
      jobsByLocation: Object.fromEntries([...this.jobsByLocation].map(([k, ids]) => [k, [...ids]])),
      acceptedReplyFaults: { ...this.replyFaults },
      statusGetsByJob: Object.fromEntries(this.byJob),
      unauthorized: this.unauthorizedCount,
      events: copyEventStats(this.events),
    };
  }

  reset(): void {
    this.clients = new Map();
    this.byLocation = new Map();
    this.attemptsByLocation = new Map();
    this.receivedByLocation = new Map();
    this.throttledByLocation = new Map();
    this.jobsByLocation = new Map();
    this.replyFaults = noReplyFaults();
    this.byJob = new Map();
    this.unauthorizedCount = 0;
    this.events = emptyEventStats();
  }
}
