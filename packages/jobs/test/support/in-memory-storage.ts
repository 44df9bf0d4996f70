import type { StoragePort } from '../../src/step-machine';
import type { CallLog } from './call-log';

/**
 * Appears in every URL this storage presigns, so a test can prove a presigned URL reached the
 * POST body and nothing else (job data, results, written manifests).
 */
export const SIGNATURE_MARK = 'X-Amz-Signature=';

type Location = { href: string; storage: 'external' };

/**
 * Storage held in a map: presigning returns recognisable signed URLs, `stat` reports what is in
 * the map, `upload` writes to it. Tests put objects in with `put`, standing in for Adobe writing
 * an output through its presigned PUT.
 */
export class InMemoryStorage implements StoragePort {
  readonly objects = new Map<string, Buffer>();
  private readonly issued: string[] = [];

  constructor(private readonly log: CallLog) {}

  put(ref: string, body: Buffer | string): void {
    this.objects.set(ref, Buffer.from(body));
  }

  presignRead(ref: string, ttlSeconds: number): Promise<Location> {
    this.log.record('storage', 'presignRead', [ref, ttlSeconds]);
    return Promise.resolve({ href: this.sign('GET', ref, ttlSeconds), storage: 'external' });
  }

  presignWrite(
    ref: string,
    ttlSeconds: number,
    opts?: { contentType?: string },
  ): Promise<Location> {
    this.log.record('storage', 'presignWrite', [ref, ttlSeconds, opts]);
    return Promise.resolve({ href: this.sign('PUT', ref, ttlSeconds), storage: 'external' });
  }

  stat(ref: string): Promise<{ exists: boolean; size?: number }> {
    this.log.record('storage', 'stat', [ref]);
    const body = this.objects.get(ref);
    return Promise.resolve(body ? { exists: true, size: body.length } : { exists: false });
  }

  upload(ref: string, body: Buffer, contentType: string): Promise<void> {
    this.log.record('storage', 'upload', [ref, body, contentType]);
    this.objects.set(ref, Buffer.from(body));
    return Promise.resolve();
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
