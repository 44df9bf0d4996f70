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
  /** When the service stops accepting the URL (Dropbox read links: always four hours). */
  expiresAt: Date;
}

export interface ObjectStat {
  exists: boolean;
  /** Bytes, when the object exists. */
  size?: number;
}

export interface PresignWriteOptions {
  /**
   * Content type to bind into the URL where the provider signs it (S3). The uploader must then
   * send exactly this `Content-Type`.
   * @defaultValue none: any content type is accepted
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
