import type { StorageKind } from '@darkroom/photoshop';
import type { StoragePrefix } from './storage-prefix';
import type { StorageRef } from './storage-ref';

/** The `storage` value the Photoshop API expects next to an href (defined by its contract). */
export type { StorageKind };

/**
 * A URL the Photoshop API reads from or writes to. It is a bearer credential: keep it in memory,
 * never in Redis, logs or errors.
 */
export interface PresignedUrl {
  href: string;
  storage: StorageKind;
  /**
   * When the service stops accepting the URL, which may be sooner than the TTL asked for: Dropbox
   * links live at most four hours (read links always four), and an S3 URL signed with temporary
   * credentials dies with their session. Callers compare it with when they need the URL.
   */
  expiresAt: Date;
}

export interface ObjectStat {
  exists: boolean;
  /** Bytes, when the object exists. */
  size?: number;
  /**
   * When the object was last written (epoch ms, the store's clock), when the store says. S3 and
   * Dropbox give whole seconds. The step machine uses it to tell outputs Adobe wrote after a
   * submit whose reply was lost from older objects at the same key.
   */
  modifiedAt?: number;
}

export interface PresignWriteOptions {
  /**
   * The content type the writer is expected to send. Bound into no URL: S3 URLs sign `host` only
   * and Azure SAS sets no response content type (`rsct`), so an uploader may send any
   * `Content-Type` or none, and the store keeps what it sent. Kept for callers that know the type.
   * @defaultValue none
   */
  contentType?: string;
  /**
   * The size the writer expects, in bytes. Used only to refuse writes that one single PUT cannot
   * carry on this provider; it is not bound into the URL.
   * @defaultValue unknown: not checked
   */
  size?: number;
}

/** What `remove` found. */
export interface RemoveResult {
  /**
   * Whether there was an object to delete. False when there was none (a missing object is no
   * error) or when the reference names a folder, which `remove` leaves alone.
   */
  existed: boolean;
}

export interface ListOptions {
  /**
   * How many object names to ask the provider for per request (S3 `MaxKeys`, Azure
   * `maxPageSize`, Dropbox `limit`); held to the provider's maximum (`LIST_PAGE_MAX`). It changes
   * how many requests a listing takes, never what it yields.
   * @defaultValue the provider's own page size
   */
  pageSize?: number;
}

export interface ListPageOptions extends ListOptions {
  /** Where the previous page ended (its `cursor`). @defaultValue the start of the listing */
  cursor?: string;
}

/** One page of a listing. */
export interface ListPage {
  refs: string[];
  /**
   * Where the next page starts (the provider's continuation token or cursor): pass it back as
   * `cursor`. Undefined on the last page.
   */
  cursor?: string;
}

/**
 * Presigns single-GET reads and single-PUT writes for one provider, and stats, deletes and lists
 * objects with the provider's own API and the same credentials.
 */
export interface Presigner<R extends StorageRef = StorageRef> {
  presignRead(ref: R, ttlSeconds: number): Promise<PresignedUrl>;
  presignWrite(ref: R, ttlSeconds: number, opts?: PresignWriteOptions): Promise<PresignedUrl>;
  stat(ref: R): Promise<ObjectStat>;
  /**
   * Deletes the object at `ref`. A missing object is no error (`existed: false`); a folder is no
   * object, and is left alone with everything in it.
   * @throws {StorageBackendError} when the storage refuses or cannot be reached
   */
  remove(ref: R): Promise<RemoveResult>;
  /**
   * One page of the objects below `prefix`, at any depth, as formatted references: exactly one
   * listing request to the provider (with its retries), from the start or from `cursor`. A
   * missing folder is an empty last page. Objects whose names no reference can hold (S3 folder
   * markers ending in `/`, names with `//`, `.` segments or control characters) are left out:
   * Darkroom wrote none of them, and `remove` could not name them.
   * @throws {StorageBackendError} when the storage refuses or cannot be reached
   */
  listPage(prefix: StoragePrefix<R>, options?: ListPageOptions): Promise<ListPage>;
  close?(): Promise<void>;
}

/** A clock, so callers can correct skew and tests can issue already-expired URLs. */
export type Clock = () => Date;
