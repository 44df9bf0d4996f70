/** Per-client counts a test reads to prove what a client did. */
export interface ClientStats {
  /** Submit requests that passed the gateway (accepted, refused, faulted alike). */
  submits: number;
  /** Submits answered 202. */
  accepted: number;
  /** Submits answered 400. */
  rejected: number;
  statusGets: number;
  /** 429s served, from rate limits and from injected throttling. */
  throttled: number;
  /** Injected faults served, by kind (`error500`, `drop`, `latency`, `throttle`, `jobFailure`, `uploadFailure`...). */
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
  /** Status GETs per job id. */
  statusGetsByJob: Record<string, number>;
  /** Requests refused by the gateway (bad token or API key). */
  unauthorized: number;
}

export class Evidence {
  private clients = new Map<string, ClientStats>();
  private byLocation = new Map<string, number>();
  private attemptsByLocation = new Map<string, number>();
  private byJob = new Map<string, number>();
  private unauthorizedCount = 0;

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

  location(key: string): void {
    this.byLocation.set(key, (this.byLocation.get(key) ?? 0) + 1);
  }

  attempt(key: string): void {
    this.attemptsByLocation.set(key, (this.attemptsByLocation.get(key) ?? 0) + 1);
  }

  statusGet(jobId: string): void {
    this.byJob.set(jobId, (this.byJob.get(jobId) ?? 0) + 1);
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
      statusGetsByJob: Object.fromEntries(this.byJob),
      unauthorized: this.unauthorizedCount,
    };
  }

  reset(): void {
    this.clients = new Map();
    this.byLocation = new Map();
    this.attemptsByLocation = new Map();
    this.byJob = new Map();
    this.unauthorizedCount = 0;
  }
}
