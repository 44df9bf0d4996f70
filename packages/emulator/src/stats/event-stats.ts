/** Injected event faults, by kind (the keys of the `events` fault set, without `Rate`). */
export type EventFaultKind =
  'drop' | 'journalDrop' | 'duplicate' | 'delay' | 'reorder' | 'badSignature';

/** What Adobe I/O Events did, as a test reads it from `stats().events`. */
export interface EventStats {
  /** Job-status events made (jobs submitted with `x-gw-ims-org-id` that reached a final status). */
  published: number;
  /** Events put in the journal. */
  journaled: number;
  /** Webhook POSTs sent (retries and duplicates included). */
  deliveriesAttempted: number;
  /** POSTs answered 2xx. */
  deliveriesSucceeded: number;
  /** POSTs answered otherwise, timed out or reset. */
  deliveriesFailed: number;
  /** Attempts after a failed one. */
  retries: number;
  /** Deliveries given up after their last attempt failed. */
  abandoned: number;
  /** Webhooks that answered their challenge and so get deliveries. */
  challengesPassed: number;
  /** Webhooks that failed their challenge and get no deliveries. */
  challengesFailed: number;
  /** Those webhooks (origin and path, no query string). */
  rejectedWebhooks: string[];
  /** Injected event faults by kind. */
  faults: Record<EventFaultKind, number>;
}

export function emptyEventStats(): EventStats {
  return {
    published: 0,
    journaled: 0,
    deliveriesAttempted: 0,
    deliveriesSucceeded: 0,
    deliveriesFailed: 0,
    retries: 0,
    abandoned: 0,
    challengesPassed: 0,
    challengesFailed: 0,
    rejectedWebhooks: [],
    faults: { drop: 0, journalDrop: 0, duplicate: 0, delay: 0, reorder: 0, badSignature: 0 },
  };
}

export function copyEventStats(stats: EventStats): EventStats {
  return { ...stats, rejectedWebhooks: [...stats.rejectedWebhooks], faults: { ...stats.faults } };
}
