import { randomBytes } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/identity';
import {
  freePort,
  guardAgainstLeaks,
  startDropboxDouble,
  startS3rver,
  uniqueName,
  type DropboxDouble,
  type S3rverFixture,
} from '@darkroom/testing';
import {
  isTransientStorageError,
  ObjectNotFoundError,
  PresignRequestError,
  S3Presigner,
  StorageBackendError,
  StorageConfigError,
  StorageError,
  StorageRefError,
  StorageRegistry,
  type DropboxRef,
  type S3Ref,
} from '../src';

guardAgainstLeaks();

// Which storage failures a caller may retry: the worker retries transient ones with backoff and
// fails the edit for the others. Each case is produced by a real service or a real socket.

async function failure(promise: Promise<unknown>): Promise<StorageError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StorageError);
  return err as StorageError;
}

/** No URL, token or secret in what a log would show of the error. */
function expectNoUrl(err: StorageError): void {
  expect(err.message).not.toMatch(/https?:|X-Amz-|sig=|sl\./i);
}

describe('transient and permanent storage errors', () => {
  describe('Dropbox', () => {
    let double: DropboxDouble;
    let registry: StorageRegistry;
    const newRef = (): DropboxRef => ({
      scheme: 'dropbox',
      path: `/Darkroom/${uniqueName('obj')}.png`,
    });

    beforeAll(async () => {
      double = await startDropboxDouble();
      registry = new StorageRegistry({ dropbox: double.config }, { dropboxTimeoutMs: 500 });
    });

    afterAll(async () => {
      await registry?.close();
      await double?.close();
    });

    it('calls a 429 transient and carries its Retry-After in milliseconds', async () => {
      double.failNextRpcCalls(1, 429, 7);
      const err = await failure(registry.presignWrite(newRef(), 300));
      expect(err).toBeInstanceOf(StorageBackendError);
      expect(err).toMatchObject({ status: 429, transient: true, retryAfterMs: 7000 });
      expect(isTransientStorageError(err)).toBe(true);
      expectNoUrl(err);
    });

    it('calls 503 and 500 transient', async () => {
      for (const status of [503, 500] as const) {
        double.failNextRpcCalls(1, status);
        const err = await failure(registry.presignWrite(newRef(), 300));
        expect(err).toMatchObject({ status, transient: true, retryAfterMs: undefined });
      }
    });

    it('calls a dropped connection and a timeout transient', async () => {
      double.failNextRpcCalls(1, 'reset');
      const reset = await failure(registry.presignWrite(newRef(), 300));
      expect(reset).toMatchObject({ status: undefined, transient: true });
      expectNoUrl(reset);
      double.failNextRpcCalls(1, 'stall');
      const stalled = await failure(registry.presignWrite(newRef(), 300));
      expect(stalled).toMatchObject({ code: 'timeout', transient: true });
      // Nothing is left broken behind.
      await expect(registry.presignWrite(newRef(), 300)).resolves.toMatchObject({
        storage: 'dropbox',
      });
    });

    it('calls an unreachable API or token host transient', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      for (const config of [
        { ...double.config, apiBaseUrl: closed },
        { ...double.config, tokenUrl: `${closed}/oauth2/token` },
      ]) {
        const unreachable = new StorageRegistry({ dropbox: config });
        try {
          const err = await failure(unreachable.presignRead(newRef(), 300));
          expect(err).toMatchObject({ transient: true });
          expectNoUrl(err);
        } finally {
          await unreachable.close();
        }
      }
    });

    it('calls a missing file, a wrong app secret and a bad path permanent', async () => {
      const missing = await failure(registry.presignRead(newRef(), 300));
      expect(missing).toBeInstanceOf(ObjectNotFoundError);
      expect(missing.transient).toBe(false);

      const wrong = new StorageRegistry({ dropbox: { ...double.config, appSecret: 'wrong' } });
      try {
        const err = await failure(wrong.presignWrite(newRef(), 300));
        expect(err).toMatchObject({ status: 400, code: 'invalid_client', transient: false });
      } finally {
        await wrong.close();
      }

      const badRef = await failure(registry.presignRead('dropbox:relative/path.png', 300));
      expect(badRef).toBeInstanceOf(StorageRefError);
      expect(isTransientStorageError(badRef)).toBe(false);
    });
  });

  describe('S3', () => {
    let s3: S3rverFixture;
    let bucket: string;
    const newRef = (): S3Ref => ({ scheme: 's3', bucket, key: `out/${uniqueName('obj')}.png` });
    const presigners: S3Presigner[] = [];
    const failingCredentials = (err: Error): S3Presigner => {
      const { credentials: _static, ...target } = s3.config;
      const presigner = new S3Presigner(target, { credentials: () => Promise.reject(err) });
      presigners.push(presigner);
      return presigner;
    };

    beforeAll(async () => {
      s3 = await startS3rver();
      bucket = await s3.createBucket();
    }, 30_000);

    afterAll(async () => {
      await Promise.all(presigners.map((p) => p.close()));
      await s3?.close();
    });

    it('calls a credential provider that timed out or could not connect transient', async () => {
      const failures = [
        // The SDK's HTTP handler (STS, SSO) names its timeouts so.
        Object.assign(new Error('socket timed out after 1000 ms'), { name: 'TimeoutError' }),
        // The instance-metadata provider says it in the message only.
        Object.assign(new Error('TimeoutError from instance metadata service'), {
          name: 'ProviderError',
        }),
        Object.assign(new Error('Unable to connect to instance metadata service'), {
          name: 'ProviderError',
          code: 'ECONNREFUSED',
        }),
      ];
      for (const cause of failures) {
        const err = await failure(failingCredentials(cause).presignWrite(newRef(), 300));
        expect(err).toBeInstanceOf(StorageBackendError);
        expect(err).toMatchObject({ provider: 's3', operation: 'presign', transient: true });
      }
    });

    it('calls missing credentials permanent', async () => {
      const none = Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      });
      const err = await failure(failingCredentials(none).presignRead(newRef(), 300));
      expect(err).toMatchObject({ code: 'CredentialsProviderError', transient: false });
    });

    it('calls an unreachable endpoint transient, in stat and in upload', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const registry = new StorageRegistry({ s3: { default: { ...s3.config, endpoint: closed } } });
      try {
        const stat = await failure(registry.stat(newRef()));
        expect(stat).toMatchObject({ code: 'NetworkError', transient: true });
        const ref = `s3://${bucket}/out/${uniqueName('obj')}.png`;
        const upload = await failure(registry.upload(ref, randomBytes(10), 'image/png'));
        expect(upload).toBeInstanceOf(StorageBackendError);
        expect(upload).toMatchObject({ code: 'ECONNREFUSED', transient: true });
        expect(upload.message).toContain(ref);
        expectNoUrl(upload);
        // What fetch threw is not kept: it can quote the presigned URL.
        expect(upload.cause).toBeUndefined();
        expect(JSON.stringify(upload)).not.toMatch(/X-Amz-/);
      } finally {
        await registry.close();
      }
    });

    it('calls a refused write, an unknown bucket and a bad TTL permanent', async () => {
      const registry = new StorageRegistry({ s3: { default: s3.config } });
      try {
        const gone = `s3://${uniqueName('no-such-bucket')}/a.png`;
        const refused = await failure(registry.upload(gone, randomBytes(10)));
        expect(refused).toMatchObject({ status: 404, code: 'NoSuchBucket', transient: false });
      } finally {
        await registry.close();
      }
      const strict = new StorageRegistry({ s3: { buckets: { [bucket]: s3.config } } });
      try {
        const unknown = await failure(strict.presignRead('s3://elsewhere/a.png', 300));
        expect(unknown).toBeInstanceOf(StorageConfigError);
        expect(unknown.transient).toBe(false);
        const ttl = await failure(strict.presignRead(newRef(), 0));
        expect(ttl).toBeInstanceOf(PresignRequestError);
        expect(ttl.transient).toBe(false);
      } finally {
        await strict.close();
      }
    });
  });

  describe('Azure', () => {
    const credential: TokenCredential = {
      getToken: (): Promise<AccessToken> =>
        Promise.resolve({ token: 'not-a-real-token', expiresOnTimestamp: Date.now() + 3600_000 }),
    };

    it('calls a user-delegation key fetch from an unreachable endpoint transient', async () => {
      const port = await freePort();
      const registry = new StorageRegistry(
        {
          azure: {
            accounts: {
              acct01: { credential: 'default', endpoint: `https://127.0.0.1:${port}/acct01` },
            },
          },
        },
        { azureCredential: credential, azurePipelineOptions: { retryOptions: { maxTries: 1 } } },
      );
      try {
        const err = await failure(registry.presignWrite('azure://acct01/renders/out.png', 300));
        expect(err).toBeInstanceOf(StorageBackendError);
        expect(err).toMatchObject({
          provider: 'azure',
          operation: 'getUserDelegationKey',
          transient: true,
        });
        expectNoUrl(err);
      } finally {
        await registry.close();
      }
    });

    it('calls a stat against an unreachable endpoint transient', async () => {
      const port = await freePort();
      const registry = new StorageRegistry(
        {
          azure: {
            accounts: {
              acct01: {
                accountKey: Buffer.from('not the key').toString('base64'),
                endpoint: `http://127.0.0.1:${port}/acct01`,
              },
            },
          },
        },
        { azurePipelineOptions: { retryOptions: { maxTries: 1 } } },
      );
      try {
        const err = await failure(registry.stat('azure://acct01/renders/out.png'));
        expect(err).toMatchObject({ provider: 'azure', transient: true });
      } finally {
        await registry.close();
      }
    });
  });
});
