import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { EditQueue, workerConnectionOptions, type EditJobResult } from '../src';

guardAgainstLeaks();

const rendition = (n = 0) => ({
  operation: 'renditionCreate',
  input: 's3://darkroom-in/photos/a.psd',
  outputs: [{ ref: `s3://darkroom-out/renditions/a-${n}.jpg`, type: 'image/jpeg', width: 512 }],
});

const RESULT: EditJobResult = {
  outputs: [{ ref: 's3://darkroom-out/renditions/a-0.jpg', size: 1234 }],
  polls: 1,
  submits: 1,
  confirmedBy: 'status',
  timings: {
    enqueuedAt: 0,
    startedAt: 0,
    submittedAt: 0,
    remoteFinishedAt: 0,
    completedAt: 0,
    queuedMs: 0,
    remoteMs: 0,
    detectionLagMs: 0,
  },
};

describe('EditQueue.waitForFinish', () => {
  let edits: EditQueue;
  let worker: Worker | undefined;
  /** Jobs the test worker may finish, by id: true completes, false fails. */
  const verdicts = new Map<string, boolean>();

  beforeEach(() => {
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('edits') });
    verdicts.clear();
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  /** A bare BullMQ consumer standing in for Darkroom's worker: it finishes jobs when told to. */
  function startWorker(): void {
    worker = new Worker<unknown, EditJobResult>(
      edits.queueName,
      async (job) => {
        const id = String(job.id);
        const verdict = await waitFor(() => (verdicts.has(id) ? { ok: verdicts.get(id) } : null), {
          timeoutMs: 30_000,
          what: `a verdict for ${id}`,
        });
        if (!verdict.ok) throw new UnrecoverableError('remote_failed: the test said so');
        return RESULT;
      },
      {
        // BullMQ then owns the connection it makes from these options, and closes it.
        connection: workerConnectionOptions(redisUrl()) as ConnectionOptions,
        prefix: edits.prefix,
        concurrency: 10,
      },
    );
    worker.on('error', () => undefined);
  }

  it('answers as soon as the job completes, long before its timeout', async () => {
    startWorker();
    const { id } = await edits.enqueue(rendition());
    const started = Date.now();
    const waiting = edits.waitForFinish(id, { timeoutMs: 60_000 });
    verdicts.set(id, true);
    const status = await waiting;
    expect(status).toMatchObject({ id, state: 'completed', result: RESULT });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('answers with the failure reason when the job fails', async () => {
    startWorker();
    const { id } = await edits.enqueue(rendition());
    const waiting = edits.waitForFinish(id, { timeoutMs: 60_000 });
    verdicts.set(id, false);
    expect(await waiting).toMatchObject({
      state: 'failed',
      failure: { reason: 'remote_failed', message: 'the test said so' },
    });
  });

  it('answers with the current status when the time runs out, without rejecting', async () => {
    const { id } = await edits.enqueue(rendition());
    const started = Date.now();
    const status = await edits.waitForFinish(id, { timeoutMs: 200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(status).toMatchObject({ id, state: 'waiting', step: 'submit' });
  });

  it('answers at once for a job that finished before the call', async () => {
    startWorker();
    const { id } = await edits.enqueue(rendition());
    verdicts.set(id, true);
    await edits.waitFor(id, { timeout: 30_000 });
    const started = Date.now();
    expect(await edits.waitForFinish(id, { timeoutMs: 60_000 })).toMatchObject({
      state: 'completed',
    });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('answers null when the job is removed while waiting', async () => {
    const { id } = await edits.enqueue(rendition());
    const waiting = edits.waitForFinish(id, { timeoutMs: 60_000 });
    await waitFor(async () => (await edits.queue.getQueueEvents()).length === 1, {
      what: 'the events connection',
    });
    // Cancelling keeps a job (it ends failed); only removing it makes it gone.
    await (await edits.queue.getJob(id))?.remove();
    expect(await waiting).toBeNull();
  });

  it('ends when the signal aborts', async () => {
    const { id } = await edits.enqueue(rendition());
    const controller = new AbortController();
    const waiting = edits.waitForFinish(id, { timeoutMs: 60_000, signal: controller.signal });
    await waitFor(async () => (await edits.queue.getQueueEvents()).length === 1, {
      what: 'the events connection',
    });
    controller.abort();
    expect(await waiting).toMatchObject({ state: 'waiting' });
  });

  it('shares one events connection between waiters and holds none while nobody waits', async () => {
    startWorker();
    const ids = (await edits.enqueueMany([rendition(1), rendition(2), rendition(3)])).map(
      (r) => r.id,
    );
    const connections = async () => (await edits.queue.getQueueEvents()).length;
    expect(await connections()).toBe(0);
    const waiting = ids.map((id) => edits.waitForFinish(id, { timeoutMs: 60_000 }));
    await waitFor(async () => (await connections()) === 1, { what: 'one events connection' });
    for (const id of ids) verdicts.set(id, true);
    const done = await Promise.all(waiting);
    expect(done.map((s) => s?.state)).toEqual(['completed', 'completed', 'completed']);
    await waitFor(async () => (await connections()) === 0, { what: 'the connection to close' });
  });

  it('keeps the connection open between waits while held, and ends pending waits on close', async () => {
    const { id } = await edits.enqueue(rendition());
    const connections = async () => (await edits.queue.getQueueEvents()).length;
    const release = edits.holdFinishEvents();
    await waitFor(async () => (await connections()) === 1, { what: 'the held connection' });
    await edits.waitForFinish(id, { timeoutMs: 50 });
    expect(await connections()).toBe(1);
    release();
    release();
    await waitFor(async () => (await connections()) === 0, { what: 'the connection to close' });

    // A second client of the same queue, so the first can still clean the queue up afterwards.
    const other = new EditQueue({ connection: redisUrl(), queueName: edits.queueName });
    const pending = other.waitForFinish(id, { timeoutMs: 60_000 });
    await waitFor(async () => (await connections()) === 1, { what: 'the events connection' });
    const closing = other.close();
    await expect(pending).rejects.toThrow(/closed while waiting/);
    await closing;
    await waitFor(async () => (await connections()) === 0, { what: 'the connection to close' });
  });
});
