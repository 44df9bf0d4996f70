import { randomBytes } from 'node:crypto';
import {
  formatRef,
  MAX_TTL_SECONDS,
  ObjectNotFoundError,
  PresignRequestError,
  SINGLE_PUT_MAX_BYTES,
  uploadRequestInit,
  type ObjectStat,
  type PresignedUrl,
  type PresignWriteOptions,
  type StorageKind,
  type StorageRef,
  type UploadBody,
} from '../../src';

/** One request the storage client sent through its `fetch`. */
export interface SentRequest {
  method: string;
  origin: string;
  headers: Headers;
}

/**
 * A `fetch` that passes every request on to the real one and notes its method, origin and
 * headers, for a registry built with `{ fetch }` (Dropbox's API calls and every upload and
 * download go through it).
 */
export function recordingFetch(): { fetch: typeof fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const record: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    sent.push({
      method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
      origin: new URL(url).origin,
      headers: new Headers(init?.headers),
    });
    return fetch(input, init);
  };
  return { fetch: record, sent };
}

/** What the contract needs from a storage backend under test. */
export interface PresignerHarness {
  /** A registry wired to the backend, built with `fetch` from `recordingFetch()`. */
  storage: {
    presignRead(ref: StorageRef, ttlSeconds: number): Promise<PresignedUrl>;
    presignWrite(
      ref: StorageRef,
      ttlSeconds: number,
      opts?: PresignWriteOptions,
    ): Promise<PresignedUrl>;
    stat(ref: StorageRef): Promise<ObjectStat>;
    upload(ref: StorageRef, body: UploadBody, contentType?: string): Promise<void>;
    download(ref: StorageRef): Promise<Buffer>;
  };
  /** What the registry's `fetch` sent (the `sent` of its `recordingFetch()`). */
  sent: SentRequest[];
  /** The `storage` value its URLs must carry. */
  kind: StorageKind;
  /** A fresh reference no other test uses, in a bucket/container/folder that exists. */
  newRef(): StorageRef;
  /** URLs that are already expired when used; needed when the backend checks expiry. */
  expired?: {
    presignRead(ref: StorageRef): Promise<PresignedUrl>;
    presignWrite(ref: StorageRef): Promise<PresignedUrl>;
  };
  close?(): Promise<void>;
}

/**
 * What the backend under test enforces. Known when tests are registered, so a case the backend
 * cannot show is not registered at all (with the reason at the call site) instead of skipped.
 */
export interface BackendChecks {
  /** It refuses URLs past their expiry. */
  expiry: boolean;
  /** It refuses a write through a read URL and a read through a write URL. */
  permissions: boolean;
  /** It keeps the content type an object was written with and answers reads with it. */
  contentType: boolean;
  /**
   * What a TTL beyond the provider's cap gets: refused (S3 and Azure, whose caps are a week), or
   * clamped to the cap with the true `expiresAt` (Dropbox, whose links live four hours at most).
   */
  ttlBeyondCap: 'refused' | 'clamped';
}

/**
 * How each kind of write URL must be used, written out rather than taken from
 * `uploadRequestInit`, so a change there that breaks a provider fails here.
 */
const UPLOAD_REQUEST: Record<StorageKind, { method: string; headers: Record<string, string> }> = {
  external: { method: 'PUT', headers: {} },
  azure: { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' } },
  // Dropbox's temporary upload links take a POST of application/octet-stream.
  dropbox: { method: 'POST', headers: { 'content-type': 'application/octet-stream' } },
};

const TTL = 300;

async function upload(url: PresignedUrl, body: Uint8Array): Promise<Response> {
  const init = uploadRequestInit(url.storage);
  return fetch(url.href, { method: init.method, headers: init.headers, body });
}

async function download(url: PresignedUrl): Promise<{ status: number; bytes: Buffer }> {
  const response = await fetch(url.href);
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

/**
 * The behaviour every presigner must show against a real backend, in the style of bull-board's
 * `runServerAdapterContract(name, makeHarness)`. `makeHarness` runs in this block's beforeAll, so
 * it may use fixtures a surrounding beforeAll started.
 */
export function runPresignerContract(
  name: string,
  makeHarness: () => PresignerHarness | Promise<PresignerHarness>,
  checks: BackendChecks,
): void {
  describe(`presigner contract: ${name}`, () => {
    let h: PresignerHarness;

    beforeAll(async () => {
      h = await makeHarness();
    }, 30_000);

    afterAll(async () => {
      await h?.close?.();
    });

    async function writeObject(ref: StorageRef, bytes: Uint8Array): Promise<void> {
      const response = await upload(await h.storage.presignWrite(ref, TTL), bytes);
      await response.arrayBuffer();
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.status).toBeLessThan(300);
    }

    it('writes through the presigned PUT and reads the same bytes through the presigned GET', async () => {
      const ref = h.newRef();
      const bytes = randomBytes(256 * 1024);
      const before = Date.now();
      const write = await h.storage.presignWrite(ref, TTL);
      expect(write.storage).toBe(h.kind);
      expect(write.expiresAt.getTime()).toBeGreaterThanOrEqual(before + TTL * 1000 - 1000);
      await writeObject(ref, bytes);

      const read = await h.storage.presignRead(ref, TTL);
      expect(read.storage).toBe(h.kind);
      expect(read.expiresAt.getTime()).toBeGreaterThanOrEqual(before + TTL * 1000 - 1000);
      const got = await download(read);
      expect(got.status).toBe(200);
      expect(got.bytes.equals(bytes)).toBe(true);
    });

    it('rewrites an object in place when a retried job writes it again', async () => {
      const ref = h.newRef();
      await writeObject(ref, randomBytes(1000));
      const second = randomBytes(700);
      await writeObject(ref, second);
      const got = await download(await h.storage.presignRead(ref, TTL));
      expect(got.bytes.equals(second)).toBe(true);
      expect(await h.storage.stat(ref)).toMatchObject({ exists: true, size: 700 });
    });

    it('stats an object with its size and a missing object as not existing', async () => {
      const ref = h.newRef();
      expect(await h.storage.stat(ref)).toEqual({ exists: false });
      await writeObject(ref, randomBytes(4321));
      expect(await h.storage.stat(ref)).toMatchObject({ exists: true, size: 4321 });
    });

    it('stats when an object was last written, so outputs of a lost submit can be told from older ones', async () => {
      const ref = h.newRef();
      // Stores keep whole seconds (S3's Last-Modified, Dropbox's server_modified).
      const before = Math.floor(Date.now() / 1000) * 1000;
      await writeObject(ref, randomBytes(100));
      const after = Date.now();
      const { modifiedAt } = await h.storage.stat(ref);
      expect(modifiedAt).toBeGreaterThanOrEqual(before - 1_000);
      expect(modifiedAt).toBeLessThanOrEqual(after + 1_000);
    });

    it('refuses to presign a write larger than one single PUT can carry', async () => {
      const ref = h.newRef();
      const max = SINGLE_PUT_MAX_BYTES[ref.scheme];
      await expect(h.storage.presignWrite(ref, TTL, { size: max })).resolves.toMatchObject({
        storage: h.kind,
      });
      const tooBig = h.storage.presignWrite(ref, TTL, { size: max + 1 });
      await expect(tooBig).rejects.toBeInstanceOf(PresignRequestError);
      await expect(tooBig).rejects.toMatchObject({ rule: 'object_too_large', field: 'size' });
      await expect(tooBig).rejects.toThrow(/single PUT/);
    });

    if (checks.ttlBeyondCap === 'refused') {
      it('refuses a TTL beyond what the provider allows', async () => {
        const promise = h.storage.presignRead(h.newRef(), 8 * 24 * 3600);
        await expect(promise).rejects.toMatchObject({ rule: 'ttl_too_long', field: 'ttlSeconds' });
      });
    } else {
      it('clamps a TTL beyond what the provider allows and says when the URL ends', async () => {
        const ref = h.newRef();
        const before = Date.now();
        const write = await h.storage.presignWrite(ref, 8 * 24 * 3600);
        const cap = MAX_TTL_SECONDS[ref.scheme] * 1000;
        expect(write.expiresAt.getTime()).toBeGreaterThanOrEqual(before + cap);
        expect(write.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + cap);
        const response = await upload(write, randomBytes(100));
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(300);
        const read = await h.storage.presignRead(ref, 8 * 24 * 3600);
        expect(read.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + cap);
        expect((await download(read)).status).toBe(200);
      });
    }

    it('uploads with the method its provider takes, and downloads the same bytes', async () => {
      const ref = h.newRef();
      const bytes = randomBytes(64 * 1024);
      const before = h.sent.length;
      await h.storage.upload(ref, bytes, 'image/png');
      expect(h.sent.length).toBeGreaterThan(before);
      // Presigning (and, for Dropbox, its API call) comes first: the last request is the upload.
      const sent = h.sent.at(-1);
      const expected = UPLOAD_REQUEST[h.kind];
      expect(sent?.method).toBe(expected.method);
      for (const [name, value] of Object.entries(expected.headers)) {
        expect(sent?.headers.get(name)).toBe(value);
      }
      expect(await h.storage.stat(ref)).toMatchObject({ exists: true, size: bytes.length });
      expect((await h.storage.download(ref)).equals(bytes)).toBe(true);
      // The bytes are where any reader looks, not only where `download` does.
      const got = await download(await h.storage.presignRead(ref, TTL));
      expect(got.bytes.equals(bytes)).toBe(true);
    });

    it('uploads text and replaces an object that is already there', async () => {
      const ref = h.newRef();
      await h.storage.upload(ref, '{"first":true}', 'application/json');
      await h.storage.upload(ref, '{"second":true}', 'application/json');
      expect((await h.storage.download(ref)).toString()).toBe('{"second":true}');
    });

    it('throws ObjectNotFoundError naming the reference when downloading nothing', async () => {
      const ref = h.newRef();
      const promise = h.storage.download(ref);
      await expect(promise).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(promise).rejects.toMatchObject({ ref: formatRef(ref) });
    });

    if (checks.contentType) {
      it('stores the content type given to upload', async () => {
        const ref = h.newRef();
        await h.storage.upload(ref, randomBytes(100), 'image/png');
        const response = await fetch((await h.storage.presignRead(ref, TTL)).href);
        await response.arrayBuffer();
        expect(response.headers.get('content-type')).toBe('image/png');
      });
    }

    function expiredUrls(): NonNullable<PresignerHarness['expired']> {
      if (!h.expired) throw new Error(`${name} checks expiry but its harness has no expired URLs`);
      return h.expired;
    }

    if (checks.expiry) {
      it('refuses an expired read URL', async () => {
        const ref = h.newRef();
        await writeObject(ref, randomBytes(100));
        const got = await download(await expiredUrls().presignRead(ref));
        expect(got.status).toBeGreaterThanOrEqual(400);
        expect(got.status).toBeLessThan(500);
        expect(got.bytes.length).not.toBe(100);
      });

      it('refuses an expired write URL and stores nothing', async () => {
        const ref = h.newRef();
        const response = await upload(await expiredUrls().presignWrite(ref), randomBytes(100));
        await response.arrayBuffer();
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(await h.storage.stat(ref)).toEqual({ exists: false });
      });
    }

    if (checks.permissions) {
      it('refuses a write through a read URL', async () => {
        const ref = h.newRef();
        const original = randomBytes(100);
        await writeObject(ref, original);
        const read = await h.storage.presignRead(ref, TTL);
        const response = await upload(read, randomBytes(50));
        await response.arrayBuffer();
        expect(response.status).toBe(403);
        expect((await download(read)).bytes.equals(original)).toBe(true);
      });

      it('refuses a read through a write URL', async () => {
        const ref = h.newRef();
        await writeObject(ref, randomBytes(100));
        const got = await download(await h.storage.presignWrite(ref, TTL));
        expect(got.status).toBe(403);
      });
    }
  });
}
