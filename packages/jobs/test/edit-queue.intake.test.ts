import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { closeAll } from '@darkroom/core';
import {
  freePort,
  guardAgainstLeaks,
  redisClient,
  redisUrl,
  uniqueName,
  waitFor,
} from '@darkroom/testing';
import { cancelKey } from '../src/cancellation';
import { EditQueue } from '../src/edit-queue';
import { EditJobValidationError } from '../src/errors/edit-job-validation-error';
import { EditJobNotFoundError } from '../src/errors/edit-job-not-found-error';
import { EditJobStateError } from '../src/errors/edit-job-state-error';
import { IdempotencyConflictError } from '../src/errors/idempotency-conflict-error';
import { createWorkerConnection } from '../src/redis-connection';
import type { EditJobData } from '../src/job-data';

guardAgainstLeaks();

const rendition = (ref: string, extra: Record<string, unknown> = {}) => ({
  operation: 'renditionCreate',
  input: 's3://darkroom-in/photos/a.psd',
  outputs: [{ ref, type: 'image/jpeg', width: 512 }],
  ...extra,
});

/** The issues an enqueue was refused with; fails the test when it was accepted. */
async function refusal(edits: EditQueue, job: unknown): Promise<EditJobValidationError['issues']> {
  const caught = await edits.enqueue(job).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(caught).toBeInstanceOf(EditJobValidationError);
  return (caught as EditJobValidationError).issues;
}

/** A real BullMQ worker on the queue, one job at a time, running `process`. */
function startWorker(edits: EditQueue, process: (job: Job<EditJobData>) => Promise<unknown>) {
  const connection = createWorkerConnection(redisUrl());
  const worker = new Worker<EditJobData>(edits.queueName, process, {
    connection,
    prefix: edits.prefix,
    concurrency: 1,
  });
  worker.on('error', () => undefined);
  return { close: () => closeAll([() => worker.close(), () => connection.disconnect()]) };
}

describe('EditQueue intake', () => {
  let edits: EditQueue;
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeEach(() => {
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('intake') });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  it('stores every job of a batch or none, under 30 concurrent overlapping batches', async () => {
    const batches = Array.from({ length: 30 }, (_, b) => [
      // Keys shared with the neighbouring batches, each batch with its own bodies.
      ...[0, 1, 2].map((k) =>
        rendition(`s3://darkroom-out/b${b}/k${k}.jpg`, { idempotencyKey: `race-${b + k}` }),
      ),
      rendition(`s3://darkroom-out/b${b}/free.jpg`),
    ]);
    const answers = await Promise.all(
      batches.map((batch) =>
        edits.enqueueMany(batch).then(
          (r) => r,
          (err: unknown) => err,
        ),
      ),
    );
    let stored = 0;
    for (const [b, answer] of answers.entries()) {
      const outputsOf = async (id: string) =>
        (await edits.queue.getJob(id))?.data.request.outputs[0]?.ref;
      if (answer instanceof IdempotencyConflictError) {
        // Nothing of a refused batch is stored: its own body is under none of its keys.
        for (const conflict of answer.conflicts) expect(conflict.index).toBeLessThan(3);
        const all = await edits.queue.getJobs(['waiting']);
        expect(all.map((j) => j.data.request.outputs[0]?.ref)).not.toContainEqual(
          expect.stringContaining(`/b${b}/`),
        );
        continue;
      }
      expect(Array.isArray(answer)).toBe(true);
      for (const [i, result] of (answer as { id: string; duplicate: boolean }[]).entries()) {
        expect(result.duplicate).toBe(false);
        expect(await outputsOf(result.id)).toBe(batches[b]?.[i]?.outputs[0]?.ref);
        stored += 1;
      }
    }
    expect(stored).toBeGreaterThan(0);
    expect(await edits.queue.getWaitingCount()).toBe(stored);
  });

  it('answers a replayed batch as duplicates and refuses a batch whose later job conflicts, storing nothing', async () => {
    const first = [0, 1].map((n) =>
      rendition(`s3://darkroom-out/r/${n}.jpg`, { idempotencyKey: `r-${n}` }),
    );
    const ids = (await edits.enqueueMany(first)).map((r) => r.id);
    expect(await edits.enqueueMany(first)).toEqual(ids.map((id) => ({ id, duplicate: true })));
    const clash = [
      rendition('s3://darkroom-out/r/new.jpg', { idempotencyKey: 'r-new' }),
      rendition('s3://darkroom-out/r/other.jpg', { idempotencyKey: 'r-1' }),
    ];
    const caught = await edits.enqueueMany(clash, { chunkSize: 1 }).catch((err: unknown) => err);
    expect(caught).toBeInstanceOf(IdempotencyConflictError);
    expect((caught as IdempotencyConflictError).conflicts).toEqual([{ index: 1, jobId: ids[1] }]);
    expect(await edits.queue.getWaitingCount()).toBe(2);
    // The refused batch left no claim behind: its free key is usable at once.
    expect((await edits.enqueueMany([clash[0]]))[0]?.duplicate).toBe(false);
  });

  it('keeps completed jobs for the idempotency window, with a count cap only as a memory guard', async () => {
    const { id } = await edits.enqueue(rendition('s3://darkroom-out/w.jpg'));
    const job = await edits.queue.getJob(id);
    expect(job?.opts.removeOnComplete).toEqual({ age: 24 * 3600, count: 1_000_000 });
    const short = new EditQueue({
      connection: redisUrl(),
      queueName: edits.queueName,
      idempotencyWindowMs: 3_600_000,
    });
    cleanups.push(() => short.close());
    const other = await short.enqueue(rendition('s3://darkroom-out/w2.jpg'));
    expect((await short.queue.getJob(other.id))?.opts.removeOnComplete).toMatchObject({
      age: 3600,
    });
    expect(() => new EditQueue({ connection: redisUrl(), idempotencyWindowMs: 0 })).toThrow(
      /idempotencyWindowMs/,
    );
  });

  it('refuses bad deadlines, dimensions, surrogates and deep nesting, naming the field and rule', async () => {
    for (const deadline of [1, 9e15, Date.now() + 1]) {
      expect(await refusal(edits, rendition('s3://darkroom-out/d.jpg', { deadline }))).toEqual([
        expect.objectContaining({ path: 'deadline', rule: 'deadline_range' }),
      ]);
    }
    for (const width of [-1, 1e9, 2.5]) {
      const job = {
        ...rendition('s3://x/y.jpg'),
        outputs: [{ ref: 's3://darkroom-out/a.jpg', type: 'image/jpeg', width }],
      };
      expect(await refusal(edits, job)).toContainEqual(
        expect.objectContaining({ path: 'outputs[0].width', rule: 'dimension-range' }),
      );
    }
    const lone = await refusal(edits, {
      ...rendition('s3://darkroom-out/ok\uDC00.jpg'),
      input: 's3://darkroom-in/a\uD800.psd',
    });
    expect(lone.map((i) => i.path).sort()).toEqual(['input', 'outputs[0].ref']);
    expect(lone[0]?.message).toMatch(/surrogate/);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    const nested = await refusal(edits, {
      ...rendition('s3://darkroom-out/n.jpg'),
      options: { a: deep },
    });
    expect(nested).toEqual([expect.objectContaining({ rule: 'max-depth' })]);
    expect(nested[0]?.path).toMatch(/^options\.a\[0\]/);
    expect(await edits.queue.count()).toBe(0);
    // A sane deadline is still taken.
    await edits.enqueue(rendition('s3://darkroom-out/fine.jpg', { deadline: Date.now() + 60_000 }));
  });

  it('answers not-found for BullMQ bookkeeping names and never touches them', async () => {
    await edits.enqueue(rendition('s3://darkroom-out/b.jpg'));
    const redis = redisClient();
    cleanups.push(() => redis.quit());
    const metaKey = edits.queue.toKey('meta');
    const before = await redis.type(metaKey);
    for (const id of [
      'meta',
      'id',
      'events',
      'wait',
      'marker',
      'delayed',
      'stalled',
      '__proto__',
    ]) {
      expect(await edits.get(id)).toBeNull();
      expect(await edits.cancel(id)).toBe('not_found');
      await expect(edits.retry(id)).rejects.toBeInstanceOf(EditJobNotFoundError);
      expect(await edits.waitForFinish(id, { timeoutMs: 10 })).toBeNull();
    }
    expect(await redis.type(metaKey)).toBe(before);
    expect(await redis.exists(cancelKey(edits.prefix, edits.queueName, 'meta'))).toBe(0);
    // And no Redis is needed to say so.
    const offline = new EditQueue({ connection: `redis://127.0.0.1:${await freePort()}` });
    cleanups.push(() => offline.close());
    expect(await offline.get('events')).toBeNull();
    expect(await offline.cancel('wait')).toBe('not_found');
  });
});

describe('EditQueue.retry and cancel', () => {
  let edits: EditQueue;
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeEach(() => {
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('lifecycle') });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  it('refuses to retry a job between polls and leaves its data untouched', async () => {
    const { id } = await edits.enqueue(rendition('s3://darkroom-out/p.jpg'));
    const worker = startWorker(edits, async (job, token?: string) => {
      await job.updateData({
        ...job.data,
        step: 'poll',
        statusUrl: 'https://image.adobe.io/pie/psdService/status/1',
        submits: 1,
      });
      await job.moveToDelayed(Date.now() + 600_000, token);
      throw new DelayedError();
    });
    cleanups.push(worker.close);
    await waitFor(async () => (await edits.get(id))?.state === 'delayed', {
      what: 'a job between polls',
    });
    const before = (await edits.queue.getJob(id))?.data;
    const caught = await edits.retry(id).catch((err: unknown) => err);
    expect(caught).toBeInstanceOf(EditJobStateError);
    expect((caught as Error).message).toMatch(/delayed.*only a failed job can be retried/);
    expect((await edits.queue.getJob(id))?.data).toEqual(before);
    expect((await edits.get(id))?.state).toBe('delayed');
  });

  it('moves a failed job back to waiting with its data untouched', async () => {
    const { id } = await edits.enqueue(rendition('s3://darkroom-out/f.jpg'));
    const worker = startWorker(edits, async (job) => {
      await job.updateData({
        ...job.data,
        step: 'poll',
        statusUrl: 'https://image.adobe.io/pie/psdService/status/2',
        submits: 1,
      });
      throw new UnrecoverableError('remote_failed: the remote job failed');
    });
    await waitFor(async () => (await edits.get(id))?.state === 'failed', { what: 'a failed job' });
    await worker.close();
    const before = (await edits.queue.getJob(id))?.data;
    await edits.retry(id);
    expect((await edits.get(id))?.state).toBe('waiting');
    expect((await edits.queue.getJob(id))?.data).toEqual(before);
  });

  it('ends a cancelled waiting or delayed job failed/cancelled, ahead of the queue, never removed', async () => {
    // A job the rate budget holds back before its submit waits as a delayed job.
    const delayed = await edits.enqueue(rendition('s3://darkroom-out/c3.jpg'));
    const budget = startWorker(edits, async (job, token?: string) => {
      await job.moveToDelayed(Date.now() + 600_000, token);
      throw new DelayedError();
    });
    await waitFor(async () => (await edits.get(delayed.id))?.state === 'delayed', {
      what: 'a job held back by the budget',
    });
    await budget.close();
    const first = await edits.enqueue(rendition('s3://darkroom-out/c0.jpg'));
    const waiting = await edits.enqueue(rendition('s3://darkroom-out/c1.jpg'));
    const prioritized = await edits.enqueue(rendition('s3://darkroom-out/c2.jpg', { priority: 9 }));
    for (const id of [waiting.id, prioritized.id, delayed.id]) {
      expect(await edits.cancel(id)).toBe('cancelled');
    }
    const redis = redisClient();
    cleanups.push(() => redis.quit());
    const order: string[] = [];
    // What the step machine does before every step: a cancelled job fails as `cancelled`.
    const worker = startWorker(edits, async (job) => {
      order.push(String(job.id));
      if (await redis.exists(cancelKey(edits.prefix, edits.queueName, String(job.id)))) {
        throw new UnrecoverableError('cancelled: cancelled on request');
      }
      return { outputs: [] };
    });
    cleanups.push(worker.close);
    for (const id of [waiting.id, prioritized.id, delayed.id]) {
      const status = await waitFor(
        async () => {
          const s = await edits.get(id);
          return s?.state === 'failed' ? s : undefined;
        },
        { what: `${id} failed` },
      );
      expect(status.failure?.reason).toBe('cancelled');
    }
    // Cancelled jobs jump the line rather than wait behind the rest.
    expect(order.indexOf(first.id)).toBeGreaterThan(0);
    expect(await edits.cancel(waiting.id)).toBe('already_finished');
  });

  it('never shows a failed edit without its reason, however the read meets the failure', async () => {
    const ids = (
      await edits.enqueueMany(
        Array.from({ length: 150 }, (_, i) => rendition(`s3://darkroom-out/f${i}.jpg`)),
      )
    ).map((r) => r.id);
    const worker = startWorker(edits, () =>
      Promise.reject(new UnrecoverableError('remote_failed: the remote job failed')),
    );
    cleanups.push(worker.close);
    // Every job is read over and over while the worker fails them one by one.
    const reasons = new Set<string>();
    await waitFor(
      async () => {
        const statuses = await Promise.all(ids.map((id) => edits.get(id)));
        const failed = statuses.filter((status) => status?.state === 'failed');
        for (const status of failed) reasons.add(status?.failure?.reason ?? 'none');
        return failed.length === ids.length;
      },
      { what: 'every edit failed', intervalMs: 1 },
    );
    expect([...reasons]).toEqual(['remote_failed']);
  });
});
