import { randomBytes } from 'node:crypto';
import {
  guardAgainstLeaks,
  startDropboxDouble,
  uniqueName,
  type DropboxDouble,
} from '@darkroom/testing';
import {
  ObjectNotFoundError,
  StorageBackendError,
  StorageRegistry,
  uploadRequestInit,
  type DropboxRef,
} from '../src';
import { recordingFetch, runPresignerContract } from './contract/presigner-contract';

guardAgainstLeaks();

const FOUR_HOURS = 14_400;

describe('Dropbox presigner against the Dropbox double', () => {
  let double: DropboxDouble;
  let registry: StorageRegistry;
  const recorder = recordingFetch();

  beforeAll(async () => {
    double = await startDropboxDouble();
    registry = new StorageRegistry({ dropbox: double.config }, { fetch: recorder.fetch });
  });

  afterAll(async () => {
    await registry?.close();
    await double?.close();
  });

  const newRef = (): DropboxRef => ({
    scheme: 'dropbox',
    path: `/Darkroom/${uniqueName('obj')}.png`,
  });

  runPresignerContract(
    'dropbox (double)',
    () => ({
      storage: registry,
      sent: recorder.sent,
      kind: 'dropbox',
      newRef,
      // Dropbox decides link lifetimes; the double's clock is moved past them after issuing.
      expired: {
        presignRead: async (ref) => {
          const url = await registry.presignRead(ref, 60);
          double.advanceClock(FOUR_HOURS + 1);
          return url;
        },
        presignWrite: async (ref) => {
          const url = await registry.presignWrite(ref, 60);
          double.advanceClock(FOUR_HOURS + 1);
          return url;
        },
      },
    }),
    {
      expiry: true,
      // Read and upload links are different URLs, but Dropbox does not document what each answers
      // to the other's method, so the contract claims nothing about it for Dropbox.
      permissions: false,
      // Dropbox stores bytes only; reads are application/octet-stream whatever was written.
      contentType: false,
      // Dropbox links live four hours at most: longer TTLs get four hours, and say so.
      ttlBeyondCap: 'clamped',
    },
  );

  describe('Dropbox specifics', () => {
    it('reports the four-hour lifetime Dropbox gives every read link', async () => {
      const ref = newRef();
      double.putFile(ref.path, Buffer.from('x'));
      const before = Date.now();
      const url = await registry.presignRead(ref, 60);
      expect(url.expiresAt.getTime()).toBeGreaterThanOrEqual(before + FOUR_HOURS * 1000);
    });

    it('asks for an overwrite-mode upload link with the requested duration', async () => {
      const before = Date.now();
      const url = await registry.presignWrite(newRef(), 900);
      expect(url.href.startsWith(`${double.contentBaseUrl}/apitul/1/`)).toBe(true);
      expect(url.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 900_000);
      expect(url.expiresAt.getTime()).toBeLessThan(before + 901_000 + 1000);
    });

    it('gives a deadline past four hours a four-hour link instead of refusing it', async () => {
      for (const ttl of [FOUR_HOURS + 1, 24 * 3600]) {
        const ref = newRef();
        double.putFile(ref.path, Buffer.from('input'));
        const before = Date.now();
        const read = await registry.presignRead(ref, ttl);
        const write = await registry.presignWrite(newRef(), ttl);
        for (const url of [read, write]) {
          expect(url.expiresAt.getTime()).toBeGreaterThanOrEqual(before + FOUR_HOURS * 1000);
          expect(url.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + FOUR_HOURS * 1000);
        }
      }
    });

    it('uses an upload link once; a second upload is refused', async () => {
      const ref = newRef();
      const url = await registry.presignWrite(ref, 300);
      const init = uploadRequestInit(url.storage);
      const first = await fetch(url.href, { ...init, body: 'first' });
      expect(first.status).toBe(200);
      await first.arrayBuffer();
      const second = await fetch(url.href, { ...init, body: 'second' });
      expect(second.status).toBe(410);
      await second.arrayBuffer();
      expect(double.readFile(ref.path)?.toString()).toBe('first');
    });

    it('uploads to the content host after asking the API host for a link', async () => {
      const ref = newRef();
      const before = recorder.sent.length;
      await registry.upload(ref, 'manifest', 'application/json');
      const sent = recorder.sent.slice(before).map((r) => `${r.method} ${r.origin}`);
      expect(sent.at(-2)).toBe(`POST ${double.apiBaseUrl}`);
      expect(sent.at(-1)).toBe(`POST ${double.contentBaseUrl}`);
      expect(double.readFile(ref.path)?.toString()).toBe('manifest');
    });

    it('accepts the plain PUT the Photoshop API uploads outputs with', async () => {
      const ref = newRef();
      const bytes = randomBytes(300);
      const url = await registry.presignWrite(ref, 300);
      const put = await fetch(url.href, {
        method: 'PUT',
        headers: { 'Content-Type': 'image/png' },
        body: bytes,
      });
      await put.arrayBuffer();
      expect(put.status).toBe(200);
      expect(double.readFile(ref.path)?.equals(bytes)).toBe(true);
    });

    it('throws ObjectNotFoundError when asked to read a file that does not exist', async () => {
      const ref = newRef();
      const promise = registry.presignRead(ref, 300);
      await expect(promise).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(promise).rejects.toThrow(`dropbox:${ref.path}`);
    });

    it('reuses one access token, refreshed once for many concurrent first calls', async () => {
      const fresh = new StorageRegistry({ dropbox: double.config });
      try {
        const before = double.counts().token;
        await Promise.all(Array.from({ length: 10 }, () => fresh.stat(newRef())));
        await fresh.stat(newRef());
        expect(double.counts().token - before).toBe(1);
      } finally {
        await fresh.close();
      }
    });

    it('refreshes the token once and retries when Dropbox revokes it', async () => {
      const fresh = new StorageRegistry({ dropbox: double.config });
      try {
        await fresh.stat(newRef());
        const before = double.counts();
        double.revokeAccessTokens();
        expect(await fresh.stat(newRef())).toEqual({ exists: false });
        const after = double.counts();
        expect(after.token - before.token).toBe(1);
        expect(after.unauthorized - before.unauthorized).toBe(1);
      } finally {
        await fresh.close();
      }
    });

    it('fails with the OAuth error code and never the secret when the app secret is wrong', async () => {
      const wrong = new StorageRegistry({
        dropbox: { ...double.config, appSecret: 'sekrit-value-123' },
      });
      try {
        const promise = wrong.presignWrite(newRef(), 300);
        await expect(promise).rejects.toBeInstanceOf(StorageBackendError);
        const err = (await promise.catch((e: unknown) => e)) as StorageBackendError;
        expect(err.message).toContain('invalid_client');
        expect(err.message).not.toContain('sekrit-value-123');
        expect(err.message).not.toContain(double.refreshToken);
        expect(JSON.stringify(err)).not.toContain('sekrit-value-123');
      } finally {
        await wrong.close();
      }
    });

    it('passes on Dropbox rate limiting with its Retry-After, and server errors with status', async () => {
      double.failNextRpcCalls(1, 429, 7);
      const limited = await registry.presignWrite(newRef(), 300).catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(StorageBackendError);
      expect(limited).toMatchObject({
        status: 429,
        code: 'too_many_requests/..',
        retryAfterSeconds: 7,
      });
      double.failNextRpcCalls(1, 503);
      await expect(registry.stat(newRef())).rejects.toMatchObject({ status: 503 });
      // The next call goes through: nothing is left broken behind.
      await expect(registry.stat(newRef())).resolves.toEqual({ exists: false });
    });

    it('stats a folder as no object', async () => {
      const folder = `/${uniqueName('folder')}`;
      double.putFile(`${folder}/inside.png`, Buffer.from('x'));
      expect(await registry.stat({ scheme: 'dropbox', path: folder })).toEqual({ exists: false });
    });
  });
});
