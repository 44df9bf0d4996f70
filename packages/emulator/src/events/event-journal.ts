import { EmulatorError } from '../emulator-error';
import { type PhotoshopJobEvent } from './event-payload';

/** One journal entry as a reader gets it. */
export interface JournalEntry {
  position: string;
  event: PhotoshopJobEvent;
}

interface Kept {
  seq: number;
  orgId: string;
  event: PhotoshopJobEvent;
}

/** Positions are fixed-width hex, so they compare as strings in the order they were given. */
const POSITION = /^[0-9a-f]{12}$/;
const positionOf = (seq: number): string => seq.toString(16).padStart(12, '0');

/** A `since` that is not one of the journal's positions. */
export class InvalidPositionError extends EmulatorError {
  constructor() {
    super('since must be a position this journal gave out');
  }
}

/**
 * The Adobe I/O Events journal: the latest `size` events of every organization in the order
 * they were published, read by position. A reader sees only its own organization's events.
 */
export class EventJournal {
  private readonly kept: Kept[] = [];
  private next = 1;

  constructor(private readonly size: number) {}

  /** Keeps an event for `orgId`; the oldest one goes when the journal is full. */
  append(orgId: string, event: PhotoshopJobEvent): string {
    const seq = this.next;
    this.next += 1;
    this.kept.push({ seq, orgId, event });
    if (this.kept.length > this.size) this.kept.splice(0, this.kept.length - this.size);
    return positionOf(seq);
  }

  /**
   * Up to `limit` of `orgId`'s events after `since` (from the oldest kept when it is
   * undefined). Throws InvalidPositionError for a `since` the journal cannot have given.
   */
  read(orgId: string, since: string | undefined, limit: number): JournalEntry[] {
    let after = 0;
    if (since !== undefined) {
      if (!POSITION.test(since)) throw new InvalidPositionError();
      after = parseInt(since, 16);
      if (after >= this.next) throw new InvalidPositionError();
    }
    const entries: JournalEntry[] = [];
    for (const kept of this.kept) {
      if (entries.length >= limit) break;
      if (kept.seq <= after || kept.orgId !== orgId) continue;
      entries.push({ position: positionOf(kept.seq), event: kept.event });
    }
    return entries;
  }
}
