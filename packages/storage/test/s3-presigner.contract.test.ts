import { randomBytes } from 'node:crypto';
import { guardAgainstLeaks, startS3rver, uniqueName, type S3rverFixture } from '@darkroom/testing';
import { StorageBackendError, StorageRegistry, uploadRequestInit, type S3Ref } from '../src';
import { recordingFetch, runPresignerContract } from './contract/presigner-contract';

guardAgainstLeaks();

const TWO_HOURS_AGO = (): Date => new Date(Date.now() - 2 * 3600_000);

describe('S3 presigner against s3rver', () => {
  let s3: S3rverFixture;
  let bucket: string;
  let registry: StorageRegistry;
  const recorder = recordingFetch();

  beforeAll(async () => {
    s3 = await startS3rver();
    bucket = await s3.createBucket();
    registry = new StorageRegistry(
      { s3: { buckets: { [bucket]: s3.config } } },
      { fetch: recorder.fetch },
    );
  }, 30_000);

  afterAll(async () => {
    await registry?.close();
    await s3?.close();
  });

  const newRef = (key = `photos/${uniqueName('obj')}.png`): S3Ref => ({
    scheme: 's3',
    bucket,
    key,
  });

  runPresignerContract(
    's3 (s3rver)',
    () => {
      // Signed two hours in the past with a one-minute TTL: expired on arrival.
      const stale = new StorageRegistry({ s3: { default: s3.config } }, { clock: TWO_HOURS_AGO });
      return {
        storage: registry,
        sent: recorder.sent,
        kind: 'external',
        newRef: () => newRef(),
        expired: {
          presignRead: (ref) => stale.presignRead(ref, 60),
          presignWrite: (ref) => stale.presignWrite(ref, 60),
        },
        close: () => stale.close(),
      };
    },
    {
      expiry: true,
      // s3rver does not verify SigV4 signatures, so it cannot tell a GET URL from a PUT URL.
      // (AWS can: the HTTP method is part of the signed canonical request.)
      permissions: false,
      contentType: true,
      ttlBeyondCap: 'refused',
    },
  );

  it('signs PUT URLs without a checksum, so any body can be uploaded through them', async () => {
    const url = await registry.presignWrite(newRef(), 300);
    const query = new URL(url.href).searchParams;
    expect([...query.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    expect(query.get('X-Amz-Expires')).toBe('300');
  });

  it('keeps keys with spaces, plus signs and non-ASCII letters intact', async () => {
    const ref = newRef(`${uniqueName('dir')}/a name+with ünïcode & (brackets).png`);
    const bytes = randomBytes(2048);
    const write = await registry.presignWrite(ref, 300);
    const init = uploadRequestInit(write.storage);
    const put = await fetch(write.href, { ...init, body: bytes });
    await put.arrayBuffer();
    expect(put.status).toBe(200);
    expect(await registry.stat(ref)).toMatchObject({ exists: true, size: 2048 });
    const got = await fetch((await registry.presignRead(ref, 300)).href);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('names the reference, the status and S3 code when an upload is refused, never the URL', async () => {
    const anyBucket = new StorageRegistry({ s3: { default: s3.config } });
    try {
      const ref = `s3://${uniqueName('no-such-bucket')}/in/a.png`;
      const err = (await anyBucket
        .upload(ref, randomBytes(10), 'image/png')
        .catch((e: unknown) => e)) as StorageBackendError;
      expect(err).toBeInstanceOf(StorageBackendError);
      expect(err).toMatchObject({ provider: 's3', status: 404, code: 'NoSuchBucket' });
      expect(err.message).toContain(ref);
      expect(err.message).not.toMatch(/X-Amz-|https?:/i);
    } finally {
      await anyBucket.close();
    }
  });
});
