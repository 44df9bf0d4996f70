import type { StoragePort } from '../../src/step-machine';
import type { CallLog } from './call-log';

/**
 * Appears in every URL this storage presigns, so a test can prove a presigned URL reached the
 * POST body and nothing else (job data, results, written manifests).
 */
export const SIGNATURE_MARK = 'X-Amz-Signature=';

type Location = { href: string; storage: 'external'; expiresAt?: Date };

/**
 * Storage held in a map: presigning returns recognisable signed URLs, `stat` reports what is in
 * the map, `upload` writes to it. Tests put objects in with `put`, standing in for Adobe writing
 * an output through its presigned PUT.
 */
export class InMemoryStorage implements StoragePort {
  readonly objects = new Map<string, Buffer>();
  /** When each object was written (epoch ms, the fake clock's). */
  readonly modified = new Map<string, number>();
  private readonly issued: string[] = [];
  private readonly presignFailures: Error[] = [];
  /** When set, links die this long after presigning, whatever was asked (temporary credentials). */
  linkLifetimeMs: number | undefined;

  constructor(private readonly log: CallLog) {}

  /** Writes an object, as Adobe writes an output, at `modifiedAt` (now by default). */
  put(ref: string, body: Buffer | string, modifiedAt = Date.now()): void {
    this.objects.set(ref, Buffer.from(body));
    this.modified.set(ref, modifiedAt);
  }

  /** The next presign calls fail with these errors, in order. */
  failPresign(...errors: Error[]): this {
    this.presignFailures.push(...errors);
    return this;
  }

  presignRead(ref: string, ttlSeconds: number): Promise<Location> {
    this.log.record('storage', 'presignRead', [ref, ttlSeconds]);
    const failure = this.presignFailures.shift();
    if (failure) return Promise.reject(failure);
    return Promise.resolve(this.location('GET', ref, ttlSeconds));
  }

  presignWrite(
    ref: string,
    ttlSeconds: number,
    opts?: { contentType?: string },
  ): Promise<Location> {
    this.log.record('storage', 'presignWrite', [ref, ttlSeconds, opts]);
    return Promise.resolve(this.location('PUT', ref, ttlSeconds));
  }

  stat(ref: string): Promise<{ exists: boolean; size?: number; modifiedAt?: number }> {
    this.log.record('storage', 'stat', [ref]);
    const body = this.objects.get(ref);
    const modifiedAt = this.modified.get(ref);
    return Promise.resolve(
      body
        ? { exists: true, size: body.length, ...(modifiedAt === undefined ? {} : { modifiedAt }) }
        : { exists: false },
    );
  }

  upload(ref: string, body: Buffer, contentType: string): Promise<void> {
    this.log.record('storage', 'upload', [ref, body, contentType]);
    this.put(ref, body);
    return Promise.resolve();
  }

  private location(method: 'GET' | 'PUT', ref: string, ttlSeconds: number): Location {
    const href = this.sign(method, ref, ttlSeconds);
    if (this.linkLifetimeMs === undefined) return { href, storage: 'external' };
    return { href, storage: 'external', expiresAt: new Date(Date.now() + this.linkLifetimeMs) };
  }

  /** The URL `presign*` handed out for `ref` and `method` (the first one, if several). */
  hrefFor(method: 'GET' | 'PUT', ref: string): string {
    const prefix = `${this.base(method, ref)}?`;
    const found = this.issued.find((href) => href.startsWith(prefix));
    if (!found) throw new Error(`no ${method} URL was presigned for ${ref}`);
    return found;
  }

  private base(method: 'GET' | 'PUT', ref: string): string {
    return `https://storage.darkroom.test/${method.toLowerCase()}/${encodeURIComponent(ref)}`;
  }

  private sign(method: 'GET' | 'PUT', ref: string, ttlSeconds: number): string {
    const href = `${this.base(method, ref)}?X-Amz-Expires=${ttlSeconds}&${SIGNATURE_MARK}sig${this.issued.length + 1}`;
    this.issued.push(href);
    return href;
  }
}
