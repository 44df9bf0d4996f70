import { randomBytes } from 'node:crypto';
import {
  PresignRequestError,
  SINGLE_PUT_MAX_BYTES,
  uploadRequestInit,
  type ObjectStat,
  type PresignedUrl,
  type PresignWriteOptions,
  type StorageKind,
  type StorageRef,
} from '../../src';

/** What the contract needs from a storage backend under test. */
export interface PresignerHarness {
  /** A registry (or a single presigner) wired to the backend. */
  storage: {
    presignRead(ref: StorageRef, ttlSeconds: number): Promise<PresignedUrl>;
    presignWrite(
      ref: StorageRef,
      ttlSeconds: number,
      opts?: PresignWriteOptions,
    ): Promise<PresignedUrl>;
    stat(ref: StorageRef): Promise<ObjectStat>;
  };
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
}

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
      expect(await h.storage.stat(ref)).toEqual({ exists: true, size: 700 });
    });

    it('stats an object with its size and a missing object as not existing', async () => {
      const ref = h.newRef();
      expect(await h.storage.stat(ref)).toEqual({ exists: false });
      await writeObject(ref, randomBytes(4321));
      expect(await h.storage.stat(ref)).toEqual({ exists: true, size: 4321 });
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

    it('refuses a TTL beyond what the provider allows', async () => {
      const promise = h.storage.presignRead(h.newRef(), 8 * 24 * 3600);
      await expect(promise).rejects.toMatchObject({ rule: 'ttl_too_long', field: 'ttlSeconds' });
    });

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
