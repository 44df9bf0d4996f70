import { freePort, guardAgainstLeaks, uniqueBucketName, uniqueName } from '@darkroom/testing';
import { isTransientStorageError, StorageBackendError, StorageRegistry } from '../src';
import { runRemoveListContract } from './contract/remove-list-contract';
import { startS3rverProcess, type S3rverProcess } from './support/s3rver-process';

guardAgainstLeaks();

// s3rver runs in a process of its own, the only place its ListObjectsV2 pages work (see
// startS3rverProcess).
describe('S3 remove and list against s3rver', () => {
  let s3: S3rverProcess;
  let bucket: string;
  let registry: StorageRegistry;

  beforeAll(async () => {
    s3 = await startS3rverProcess();
    bucket = s3.bucket;
    registry = new StorageRegistry({ s3: { default: s3.config } });
  }, 30_000);

  afterAll(async () => {
    await registry?.close();
    await s3?.close();
  });

  runRemoveListContract('s3 (s3rver)', () => ({
    storage: registry,
    newFolder: () => `s3://${bucket}/runs/${uniqueName('run')}/`,
    root: `s3://${bucket}/`,
  }));

  it('lists a whole bucket from its root', async () => {
    const top = `s3://${bucket}/${uniqueName('top')}.png`;
    const deep = `s3://${bucket}/deep/${uniqueName('dir')}/x.png`;
    await registry.upload(top, 'x');
    await registry.upload(deep, 'y');
    const refs: string[] = [];
    for await (const ref of registry.list(`s3://${bucket}/`, { pageSize: 2 })) refs.push(ref);
    expect(refs).toEqual(expect.arrayContaining([top, deep]));
  });

  it('names the folder, the status and S3 code when a listing is refused, never a URL', async () => {
    const prefix = `s3://${uniqueBucketName('nosuch')}/runs/`;
    const err = (await registry
      .list(prefix)
      .next()
      .catch((e: unknown) => e)) as StorageBackendError;
    expect(err).toBeInstanceOf(StorageBackendError);
    expect(err).toMatchObject({
      provider: 's3',
      status: 404,
      code: 'NoSuchBucket',
      transient: false,
    });
    expect(err.message).toContain(prefix);
    expect(err.message).not.toMatch(/X-Amz-|https?:/i);
  });

  it('fails a removal transiently, naming the reference, when S3 cannot be reached', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = new StorageRegistry({
      s3: { default: { ...s3.config, endpoint: closed } },
    });
    try {
      const ref = `s3://${bucket}/runs/${uniqueName('run')}/a.png`;
      const err = (await unreachable.remove(ref).catch((e: unknown) => e)) as StorageBackendError;
      expect(err).toBeInstanceOf(StorageBackendError);
      expect(isTransientStorageError(err)).toBe(true);
      expect(err.message).toContain(ref);
      const listing = (await unreachable
        .list(`s3://${bucket}/runs/`)
        .next()
        .catch((e: unknown) => e)) as StorageBackendError;
      expect(listing).toBeInstanceOf(StorageBackendError);
      expect(isTransientStorageError(listing)).toBe(true);
      expect(listing.message).toContain(`s3://${bucket}/runs/`);
    } finally {
      await unreachable.close();
    }
  });
});
