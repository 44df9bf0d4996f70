import { createHash } from 'node:crypto';
import { urlOriginAndPath } from '@darkroom/core';
import type { NormalizedStatus, RemoteJobError } from '@darkroom/photoshop';
import type { Cluster, Redis } from 'ioredis';

/**
 * What an Adobe I/O event said about one Adobe job, kept without any URL but the status link's
 * origin and path (status links carry no signature).
 */
export interface RemoteJobEvent {
  adobeJobId: string;
  state: 'succeeded' | 'failed';
  error?: RemoteJobError;
  failedEntries?: number[];
  entryCount?: number;
  created?: number;
  modified?: number;
  /** The job's status link as the event named it, when it did. */
  statusUrl?: string;
  receivedAt: number;
}

/** What the step machine asks of Adobe's events; absent, every edit learns its end by polling. */
export interface RemoteEventsPort {
  /** Whether events are arriving now; polls wait longer while they are. */
  healthy(): Promise<boolean>;
  /** The event recorded for an Adobe job, if one came. */
  eventOf(adobeJobId: string): Promise<RemoteJobEvent | undefined>;
  /** The Adobe job an event tied to this edit by the locations it wrote (an ambiguous submit). */
  adobeJobOfEdit(editId: string): Promise<string | undefined>;
  /** Before a POST: the places (origin and path) Adobe will write for this edit. */
  noteIntent(editId: string, writeLocations: readonly string[]): Promise<void>;
  /** At the checkpoint: the Adobe job an edit's POST created. */
  noteSubmitted(editId: string, adobeJobId: string): Promise<void>;
}

export interface RemoteEventStoreOptions {
  redis: Redis | Cluster;
  /** BullMQ's prefix and queue name: the keys sit beside the queue's, in its hash slot. */
  prefix: string;
  queueName: string;
  /**
   * How long the ties between Adobe jobs, locations and edits are kept: as long as an edit is
   * polled after its submit.
   * @defaultValue 86_400_000 (24 h)
   */
  retentionMs?: number;
  /**
   * Events count as arriving while the last one came less than this long ago.
   * @defaultValue 60_000
   */
  healthWindowMs?: number;
}

/** A location's key part: a digest, so no link (a Dropbox upload link's path is a capability) is kept. */
export function locationDigest(url: string): string {
  return createHash('sha256').update(urlOriginAndPath(url)).digest('hex').slice(0, 32);
}

/** How long `healthy()` reuses what it read, so a burst of polls costs one Redis read a second. */
const HEALTH_CACHE_MS = 1_000;

/**
 * Adobe's job events in Redis: who submitted which Adobe job (`job:`), which edit meant to write
 * where (`loc:`), what each event said (`event:`), which Adobe job an event tied to an edit whose
 * POST's reply was lost (`edit:`) and when the last event came (`last`). Every key expires.
 */
export class RemoteEventStore implements RemoteEventsPort {
  private readonly redis: Redis | Cluster;
  private readonly base: string;
  readonly retentionMs: number;
  private readonly healthWindowMs: number;
  private health: { at: number; healthy: boolean } | undefined;

  constructor(options: RemoteEventStoreOptions) {
    this.redis = options.redis;
    this.base = `${options.prefix}:${options.queueName}:adobe-events`;
    this.retentionMs = options.retentionMs ?? 86_400_000;
    this.healthWindowMs = options.healthWindowMs ?? 60_000;
  }

  key(kind: 'job' | 'loc' | 'event' | 'edit' | 'seen', id: string): string {
    return `${this.base}:${kind}:${id}`;
  }

  get lastKey(): string {
    return `${this.base}:last`;
  }

  async healthy(): Promise<boolean> {
    const now = Date.now();
    if (this.health && now - this.health.at < HEALTH_CACHE_MS) return this.health.healthy;
    const last = Number((await this.redis.get(this.lastKey)) ?? 0);
    const healthy = last > 0 && now - last < this.healthWindowMs;
    this.health = { at: now, healthy };
    return healthy;
  }

  async eventOf(adobeJobId: string): Promise<RemoteJobEvent | undefined> {
    const text = await this.redis.get(this.key('event', adobeJobId));
    return text ? (JSON.parse(text) as RemoteJobEvent) : undefined;
  }

  async adobeJobOfEdit(editId: string): Promise<string | undefined> {
    return (await this.redis.get(this.key('edit', editId))) ?? undefined;
  }

  async noteIntent(editId: string, writeLocations: readonly string[]): Promise<void> {
    if (writeLocations.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const url of writeLocations) {
      pipeline.set(this.key('loc', locationDigest(url)), editId, 'PX', this.retentionMs);
    }
    await pipeline.exec();
  }

  async noteSubmitted(editId: string, adobeJobId: string): Promise<void> {
    await this.redis.set(this.key('job', adobeJobId), editId, 'PX', this.retentionMs);
  }

  /** The edit that submitted an Adobe job, or that meant to write one of these locations. */
  async editOf(adobeJobId: string, locations: readonly string[]): Promise<EditMatch | undefined> {
    const byJob = await this.redis.get(this.key('job', adobeJobId));
    if (byJob) return { editId: byJob, by: 'job' };
    for (const url of locations) {
      const byLocation = await this.redis.get(this.key('loc', locationDigest(url)));
      if (byLocation) return { editId: byLocation, by: 'location' };
    }
    return undefined;
  }

  /**
   * Keeps what an event said (the first word on a job wins: Adobe repeats deliveries), and, for an
   * edit found by location, which Adobe job that was. Returns false for a repeat.
   */
  async save(event: RemoteJobEvent, match: EditMatch | undefined): Promise<boolean> {
    const fresh = await this.redis.set(
      this.key('event', event.adobeJobId),
      JSON.stringify(event),
      'PX',
      this.retentionMs,
      'NX',
    );
    const pipeline = this.redis.pipeline();
    pipeline.set(this.lastKey, String(event.receivedAt), 'PX', this.retentionMs);
    if (match?.by === 'location') {
      pipeline.set(this.key('edit', match.editId), event.adobeJobId, 'PX', this.retentionMs);
    }
    await pipeline.exec();
    return fresh === 'OK';
  }
}

/** How an event found its edit: the Adobe job id saved at the checkpoint, or a written location. */
export interface EditMatch {
  editId: string;
  by: 'job' | 'location';
}

/** An event's word as the status it stands for: a terminal state with no output links. */
export function statusOfEvent(event: RemoteJobEvent): NormalizedStatus {
  return {
    state: event.state,
    jobId: event.adobeJobId,
    outputs: [],
    raw: {},
    ...(event.error ? { error: event.error } : {}),
    ...(event.failedEntries ? { failedEntries: event.failedEntries } : {}),
    ...(event.entryCount !== undefined ? { entryCount: event.entryCount } : {}),
    ...(event.created !== undefined ? { created: new Date(event.created) } : {}),
    ...(event.modified !== undefined ? { modified: new Date(event.modified) } : {}),
  };
}
