import type { StorageKind } from '@darkroom/photoshop';
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

/** Presigns single-GET reads and single-PUT writes for one provider. */
export interface Presigner<R extends StorageRef = StorageRef> {
  presignRead(ref: R, ttlSeconds: number): Promise<PresignedUrl>;
  presignWrite(ref: R, ttlSeconds: number, opts?: PresignWriteOptions): Promise<PresignedUrl>;
  stat(ref: R): Promise<ObjectStat>;
  close?(): Promise<void>;
}

/** A clock, so callers can correct skew and tests can issue already-expired URLs. */
export type Clock = () => Date;
