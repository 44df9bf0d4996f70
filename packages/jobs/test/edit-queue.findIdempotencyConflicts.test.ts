import { freePort, guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import {
  EditQueue,
  IdempotencyConflictError,
  jobIdForKey,
  RedisUnavailableError,
  validateEditJob,
  type ValidatedEditJob,
} from '../src';

guardAgainstLeaks();

const rendition = (n: number, idempotencyKey?: string) => ({
  operation: 'renditionCreate',
  input: 's3://darkroom-in/photos/a.psd',
  outputs: [{ ref: `s3://darkroom-out/renditions/a-${n}.jpg`, type: 'image/jpeg', width: 512 }],
  ...(idempotencyKey ? { idempotencyKey } : {}),
});

const validated = (inputs: unknown[]): Promise<ValidatedEditJob[]> =>
  Promise.all(inputs.map((input) => validateEditJob(input)));

describe('EditQueue.findIdempotencyConflicts', () => {
  let edits: EditQueue;
  beforeEach(() => {
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('edits') });
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  it('finds a key already stored with a different body, and adds nothing', async () => {
    const key = uniqueName('key');
    await edits.enqueue(rendition(1, key));
    const before = await edits.counts();
    const conflicts = await edits.findIdempotencyConflicts(
      await validated([rendition(2), rendition(1, key), rendition(3, key), rendition(4, 'fresh')]),
    );
    expect([...conflicts.keys()]).toEqual([2]);
    expect(conflicts.get(2)).toBeInstanceOf(IdempotencyConflictError);
    expect(conflicts.get(2)?.jobId).toBe(jobIdForKey(key));
    expect(await edits.counts()).toEqual(before);
    expect(await edits.get(jobIdForKey('fresh'))).toBeNull();
  });

  it('finds a key reused with a different body later in the same list', async () => {
    const conflicts = await edits.findIdempotencyConflicts(
      await validated([rendition(1, 'k'), rendition(1, 'k'), rendition(2, 'k')]),
    );
    // The same body twice is a replay, not a conflict; the changed body is.
    expect([...conflicts.keys()]).toEqual([2]);
    expect(conflicts.get(2)?.jobId).toBe(jobIdForKey('k'));
  });

  it('agrees with enqueueMany: a list it passes enqueues without a conflict', async () => {
    const key = uniqueName('key');
    await edits.enqueue(rendition(1, key));
    const jobs = [rendition(1, key), rendition(5, uniqueName('key')), rendition(6)];
    expect((await edits.findIdempotencyConflicts(await validated(jobs))).size).toBe(0);
    const results = await edits.enqueueMany(jobs);
    expect(results.map((r) => r.duplicate)).toEqual([true, false, false]);
    // And a list it refuses is one enqueueMany refuses too.
    const clash = [rendition(9, key)];
    expect((await edits.findIdempotencyConflicts(await validated(clash))).size).toBe(1);
    await expect(edits.enqueueMany(clash)).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  it('needs no Redis for a list without keys', async () => {
    const offline = new EditQueue({
      connection: `redis://127.0.0.1:${await freePort()}`,
      queueName: uniqueName('edits'),
    });
    try {
      const conflicts = await offline.findIdempotencyConflicts(
        await validated([rendition(1), rendition(2)]),
      );
      expect(conflicts.size).toBe(0);
    } finally {
      await offline.close();
    }
  });

  it('fails fast with RedisUnavailableError when Redis is unreachable', async () => {
    const offline = new EditQueue({
      connection: `redis://127.0.0.1:${await freePort()}`,
      queueName: uniqueName('edits'),
    });
    try {
      const started = Date.now();
      await expect(
        offline.findIdempotencyConflicts(await validated([rendition(1, 'k')])),
      ).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await offline.close();
    }
  });
});
