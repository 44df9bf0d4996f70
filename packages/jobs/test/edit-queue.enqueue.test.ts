import { guardAgainstLeaks, freePort, redisClient, redisUrl, uniqueName } from '@darkroom/testing';
import {
  EditJobValidationError,
  EditQueue,
  IdempotencyConflictError,
  RedisUnavailableError,
  type EditJobData,
} from '../src';

guardAgainstLeaks();

const rendition = (n = 0) => ({
  operation: 'renditionCreate',
  input: 's3://darkroom-in/photos/a.psd',
  outputs: [{ ref: `s3://darkroom-out/renditions/a-${n}.jpg`, type: 'image/jpeg', width: 512 }],
});

describe('EditQueue.enqueue', () => {
  let edits: EditQueue;
  beforeEach(() => {
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('edits') });
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  it('stores a waiting job at its submit step that holds references only', async () => {
    const { id, duplicate } = await edits.enqueue({
      ...rendition(),
      account: 'acme',
      tenant: 'shop-1',
    });
    expect(duplicate).toBe(false);
    const status = await edits.get(id);
    expect(status).toMatchObject({
      id,
      state: 'waiting',
      step: 'submit',
      operation: 'renditionCreate',
      account: 'acme',
      tenant: 'shop-1',
      polls: 0,
    });
    const job = await edits.queue.getJob(id);
    const data = job?.data as EditJobData;
    expect(JSON.stringify(data)).not.toMatch(/https?:\/\//);
    expect(data.request.input).toBe('s3://darkroom-in/photos/a.psd');
    expect(data.deadlineAt).toBeGreaterThan(Date.now());
  });

  it('names every bad field and its rule, and writes nothing', async () => {
    const bad = {
      operation: 'renditionCreate',
      input: 'http://169.254.169.254/latest/meta-data',
      outputs: [{ ref: 's3://Bad_Bucket/x.jpg', type: 'image/jpeg' }],
      priority: 0,
      account: 'has space',
    };
    let caught: unknown;
    try {
      await edits.enqueue(bad);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EditJobValidationError);
    const paths = (caught as EditJobValidationError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining(['account', 'input', 'outputs[0].ref', 'priority']),
    );
    expect(await edits.queue.count()).toBe(0);
  });

  it('refuses more than one main input, citing the single-file-input rule', async () => {
    const { input, ...rest } = rendition();
    const caught = await edits
      .enqueue({ ...rest, inputs: [input, 's3://darkroom-in/b.psd'] })
      .catch((err: unknown) => err);
    expect(caught).toBeInstanceOf(EditJobValidationError);
    const [issue] = (caught as EditJobValidationError).issues;
    expect(issue).toMatchObject({ path: 'inputs', rule: 'single_input' });
    expect(issue?.message).toMatch(/single file input/);
    expect(await edits.queue.count()).toBe(0);
  });

  it('refuses an unknown operation and lists the valid ones', async () => {
    await expect(edits.enqueue({ ...rendition(), operation: 'makeItPop' })).rejects.toThrow(
      /operation must be one of: renditionCreate/,
    );
  });

  it('returns the first job for a repeated idempotency key and refuses a different body under it', async () => {
    const key = uniqueName('order');
    const first = await edits.enqueue({ ...rendition(), idempotencyKey: key });
    const second = await edits.enqueue({ ...rendition(), idempotencyKey: key });
    expect(second).toEqual({ id: first.id, duplicate: true });
    expect(await edits.queue.count()).toBe(1);
    await expect(edits.enqueue({ ...rendition(7), idempotencyKey: key })).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );
  });
});

describe('EditQueue.enqueueMany', () => {
  let edits: EditQueue;
  beforeEach(() => {
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('edits') });
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  it('adds thousands of jobs in chunks, in order', async () => {
    const jobs = Array.from({ length: 2_500 }, (_, n) => rendition(n));
    const results = await edits.enqueueMany(jobs, { chunkSize: 1_000 });
    expect(results).toHaveLength(2_500);
    expect(new Set(results.map((r) => r.id)).size).toBe(2_500);
    expect(await edits.queue.getWaitingCount()).toBe(2_500);
  });

  it('rejects the whole batch when one job is bad, naming its index', async () => {
    const jobs = [rendition(0), { ...rendition(1), outputs: [] }, rendition(2)];
    await expect(edits.enqueueMany(jobs)).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: '[1].outputs' })],
    });
    expect(await edits.queue.count()).toBe(0);
  });
});

describe('EditQueue.cancel', () => {
  it('keeps a cancelled job that was never submitted, asking for it to end failed', async () => {
    const edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('edits') });
    try {
      const { id } = await edits.enqueue(rendition());
      expect(await edits.cancel(id)).toBe('cancelled');
      expect(await edits.get(id)).toMatchObject({ id, state: 'waiting' });
      expect(await edits.cancel('no-such-job')).toBe('not_found');
    } finally {
      await edits.queue.obliterate({ force: true });
      await edits.close();
    }
  });
});

describe('EditQueue when Redis is down', () => {
  it('fails within a second with an error that says Redis is unreachable', async () => {
    const port = await freePort();
    const edits = new EditQueue({
      connection: `redis://127.0.0.1:${port}`,
      queueName: uniqueName('edits'),
    });
    try {
      const started = Date.now();
      let caught: unknown;
      try {
        await edits.enqueue(rendition());
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(RedisUnavailableError);
      expect((caught as Error).message).toMatch(
        new RegExp(`Redis is unreachable at 127.0.0.1:${port}`),
      );
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await edits.close();
    }
  });
});

describe('EditQueue key layout', () => {
  it('keeps every key under the hash-tagged prefix', async () => {
    const queueName = uniqueName('edits');
    const edits = new EditQueue({ connection: redisUrl(), queueName });
    const redis = redisClient();
    try {
      await edits.enqueue(rendition());
      const keys = await redis.keys(`*${queueName}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.startsWith(`{darkroom}:${queueName}:`)).toBe(true);
    } finally {
      await edits.queue.obliterate({ force: true });
      await edits.close();
      redis.disconnect();
    }
  });
});
