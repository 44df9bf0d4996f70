import { urlOriginAndPath } from '@darkroom/core';
import {
  normalizeStatus,
  statusPathTemplates,
  type NormalizedStatus,
  type StatusFamily,
} from '@darkroom/photoshop';
import { Job, type Queue } from 'bullmq';
import type { EditJobData } from '../job-data';
import { type RemoteEventStore, type EditMatch, type RemoteJobEvent } from './remote-event-store';

/** One Adobe I/O event about a Photoshop API job, as the receiver or the journal reader parsed it. */
export interface IncomingJobEvent {
  eventId: string;
  /** Adobe's job id (`event.body.jobId`). */
  jobId: string;
  /** The status document the event carries. */
  body: unknown;
}

/**
 * What became of an event: it ended an edit's wait (`edit`), tied a lost submit's Adobe job to its
 * edit by the locations it wrote (`ambiguous`), repeated one already kept (`duplicate`), named no
 * edit Darkroom knows (`unknown`), or did not report an end (`not_final`).
 */
export const eventOutcomes = ['edit', 'ambiguous', 'duplicate', 'unknown', 'not_final'] as const;
export type EventOutcome = (typeof eventOutcomes)[number];

/** Retries of a promotion when the edit was busy: its run may be about to wait for a poll. */
const PROMOTE_RETRY_MS = [250, 1_000, 4_000];

/** The status family whose status path the link follows, from the catalog's templates. */
function familyOfLink(href: string | undefined): StatusFamily | undefined {
  if (!href) return undefined;
  const path = urlOriginAndPath(href).replace(/^[a-z]+:\/\/[^/]+/i, '');
  for (const [family, template] of Object.entries(statusPathTemplates)) {
    const prefix = template.slice(0, template.indexOf('{jobId}'));
    if (path.startsWith(prefix) && !path.slice(prefix.length).includes('/')) {
      return family as StatusFamily;
    }
  }
  return undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The status link an event body names (`_links.self.href`). */
function selfLink(body: unknown): string | undefined {
  const links = isRecord(body) && isRecord(body._links) ? body._links : undefined;
  const self = links && isRecord(links.self) ? links.self : undefined;
  return typeof self?.href === 'string' ? self.href : undefined;
}

/** Every file link in a status document but its own status link: the places Adobe read or wrote. */
export function linksIn(body: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    if (!isRecord(value)) return;
    for (const [key, v] of Object.entries(value)) {
      if (key === '_links') continue;
      if ((key === 'href' || key === 'url') && typeof v === 'string' && /^https?:\/\//i.test(v)) {
        found.push(v);
      } else visit(v);
    }
  };
  visit(body);
  return found;
}

/**
 * Hands Adobe's job events to the edits they are about: what each said is kept in Redis (no URL),
 * and an edit waiting for its next poll is woken at once, so it ends without reading the status.
 * Safe to call with repeats, out of order and from several processes.
 */
export class RemoteEventIntake {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly queue: Queue,
    readonly store: RemoteEventStore,
  ) {}

  async record(events: readonly IncomingJobEvent[]): Promise<EventOutcome[]> {
    const outcomes: EventOutcome[] = [];
    for (const event of events) outcomes.push(await this.recordOne(event));
    return outcomes;
  }

  private async recordOne(incoming: IncomingJobEvent): Promise<EventOutcome> {
    const self = selfLink(incoming.body);
    const match = await this.store.editOf(incoming.jobId, linksIn(incoming.body));
    const job = match ? await Job.fromId<EditJobData>(this.queue, match.editId) : undefined;
    const kind = familyOfLink(self) ?? job?.data.request.operation;
    if (!kind) return 'unknown';
    const status = normalizeStatus(kind, incoming.body);
    if (status.state !== 'succeeded' && status.state !== 'failed') return 'not_final';
    const fresh = await this.store.save(eventRecord(incoming.jobId, status, self), match);
    if (!fresh) return 'duplicate';
    if (!match || !job) return 'unknown';
    await this.wake(match, 0);
    return match.by === 'job' ? 'edit' : 'ambiguous';
  }

  /** Moves the edit's delayed run to now; an edit busy right now is tried again shortly. */
  private async wake(match: EditMatch, attempt: number): Promise<void> {
    try {
      const job = await Job.fromId<EditJobData>(this.queue, match.editId);
      const state = job ? await job.getState() : undefined;
      // Promoting races the run that delays the edit: a lost race leaves it to its next poll.
      if (state === 'delayed' && job) {
        await job.promote();
        // To the front of the waiting list: behind a burst of submits waiting for the budget,
        // an edit that is done would otherwise wait its turn to be told so.
        await job.changePriority({ lifo: true }).catch(() => undefined);
      } else if (state === 'active' && attempt < PROMOTE_RETRY_MS.length) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void this.wake(match, attempt + 1);
        }, PROMOTE_RETRY_MS[attempt]);
        this.timers.add(timer);
      }
    } catch {
      // Waking is an optimisation: the edit's own poll finds the event when it comes.
    }
  }

  /** Stops pending retries of promotions (the queue itself belongs to the caller). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** The URL-free record of a final status, with the status link's origin and path. */
function eventRecord(
  adobeJobId: string,
  status: NormalizedStatus,
  self: string | undefined,
): RemoteJobEvent {
  return {
    adobeJobId,
    state: status.state === 'failed' ? 'failed' : 'succeeded',
    ...(status.error ? { error: status.error } : {}),
    ...(status.failedEntries ? { failedEntries: status.failedEntries } : {}),
    ...(status.entryCount !== undefined ? { entryCount: status.entryCount } : {}),
    ...(status.created ? { created: status.created.getTime() } : {}),
    ...(status.modified ? { modified: status.modified.getTime() } : {}),
    ...(self ? { statusUrl: urlOriginAndPath(self) } : {}),
    receivedAt: Date.now(),
  };
}
