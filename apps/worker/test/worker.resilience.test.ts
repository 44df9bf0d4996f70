import { Job } from 'bullmq';
import { guardAgainstLeaks, uniqueName, waitFor } from '@darkroom/testing';
import { startStack, type Stack } from './support/stack';

guardAgainstLeaks();

/** A small real image, uploaded once per stack. */
async function uploadInput(stack: Stack): Promise<string> {
  const input = `s3://${stack.inBucket}/${uniqueName('in')}.jpg`;
  await stack.put(input, await stack.jpeg(), 'image/jpeg');
  return input;
}

const rendition = (stack: Stack, input: string, extra: Record<string, unknown> = {}) => ({
  operation: 'renditionCreate',
  input,
  outputs: [
    { ref: `s3://${stack.outBucket}/${uniqueName('out')}.png`, type: 'image/png', width: 64 },
  ],
  ...extra,
});

/** Accepted submits the emulator saw for a job's first output. */
const submitsFor = (stack: Stack, ref: string): number =>
  stack.emulator.stats().submitsByLocation[ref.replace('s3://', `${stack.s3.endpoint}/`)] ?? 0;

/** Submit POSTs that reached the emulator's service for a job's first output, whatever the answer. */
const receivedFor = (stack: Stack, ref: string): number =>
  stack.emulator.stats().submitAttemptsByLocation[ref.replace('s3://', `${stack.s3.endpoint}/`)] ??
  0;

describe('retries and rate limits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    // A tenth of the default back-off, so four reconciled submits take seconds, not a minute.
    await stack.startWorker({ RETRY_BASE_MS: '100' });
  });
  afterAll(async () => {
    await stack.close();
  });
  afterEach(() => stack.emulator.setFaults({}));

  it('reconciles each 5xx on submit before the next POST, and runs one Adobe job', async () => {
    const input = await uploadInput(stack);
    stack.emulator.setFaults({ submit: { errorRate: 1, errorStatuses: [503] } });
    const job = rendition(stack, input);
    const { id } = await stack.edits.enqueue(job);
    // The client sends each POST once; the next one follows only after a look for outputs.
    await waitFor(() => receivedFor(stack, job.outputs[0]!.ref) >= 2, {
      what: 'two POSTs answered 503',
    });
    stack.emulator.setFaults({});
    const done = await stack.edits.waitFor(id, { timeout: 30_000 });
    expect(done.failure).toBeUndefined();
    expect(done.state).toBe('completed');
    expect(submitsFor(stack, job.outputs[0]!.ref)).toBe(1);
    // What Darkroom says it sent is what Adobe received.
    expect(done.result?.submits).toBe(receivedFor(stack, job.outputs[0]!.ref));
    expect(done.result?.submits).toBeLessThanOrEqual(4);
  });

  it('pauses on 429 and honours Retry-After without spending an attempt', async () => {
    const input = await uploadInput(stack);
    stack.emulator.setFaults({ throttle: { nextRequests: 3, retryAfterMs: 100, scope: 'submit' } });
    const job = rendition(stack, input);
    const { id } = await stack.edits.enqueue(job);
    const done = await stack.edits.waitFor(id, { timeout: 30_000 });
    expect(done.state).toBe('completed');
    // BullMQ counts the finishing run as an attempt; the three 429s before it counted nothing.
    expect(done.attemptsMade).toBe(1);
    expect(stack.emulator.stats().clients['darkroom-e2e']?.throttled).toBeGreaterThanOrEqual(3);
    expect(submitsFor(stack, job.outputs[0]!.ref)).toBe(1);
    expect(stack.logs.lines.some((l) => l.includes('rate limited by Adobe'))).toBe(true);
  });

  it('fails retries_exhausted after four POSTs that all met a 5xx, and sends no fifth', async () => {
    const input = await uploadInput(stack);
    stack.emulator.setFaults({ submit: { errorRate: 1, errorStatuses: [500] } });
    const job = rendition(stack, input);
    const { id } = await stack.edits.enqueue(job);
    const done = await stack.edits.waitFor(id, { timeout: 45_000 });
    expect(done.state).toBe('failed');
    expect(done.failure?.reason).toBe('retries_exhausted');
    expect(done.failure?.message).toMatch(/^4 submits got no usable reply/);
    expect(receivedFor(stack, job.outputs[0]!.ref)).toBe(4);
  }, 60_000);
});

describe('client errors', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Adobe refuses plain-http file links; so does this emulator when told to, answering 400.
    stack = await startStack({ emulator: { allowHttpLoopbackStorage: false } });
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack.close();
  });

  it("fails a job Adobe answers 400 at once: one submit, no retry, Adobe's type in the reason", async () => {
    const input = await uploadInput(stack);
    const before = stack.emulator.stats().clients['darkroom-e2e'];
    const { id } = await stack.edits.enqueue(rendition(stack, input));
    const done = await stack.edits.waitFor(id, { timeout: 30_000 });
    expect(done.state).toBe('failed');
    expect(done.failure?.reason).toBe('client_error');
    expect(done.failure?.message).toMatch(/HTTP 400 InputValidationError/);
    expect(done.attemptsMade).toBe(1);
    const after = stack.emulator.stats().clients['darkroom-e2e'];
    expect((after?.submits ?? 0) - (before?.submits ?? 0)).toBe(1);
    expect((after?.rejected ?? 0) - (before?.rejected ?? 0)).toBe(1);
  });

  it('runs one remote job for two enqueues with the same idempotency key', async () => {
    const healthy = await startStack();
    try {
      await healthy.startWorker();
      const input = await uploadInput(healthy);
      const job = rendition(healthy, input, { idempotencyKey: uniqueName('order') });
      const first = await healthy.edits.enqueue(job);
      const second = await healthy.edits.enqueue(job);
      expect(second).toEqual({ id: first.id, duplicate: true });
      const done = await healthy.edits.waitFor(first.id, { timeout: 30_000 });
      expect(done.state).toBe('completed');
      expect(submitsFor(healthy, job.outputs[0]!.ref)).toBe(1);
    } finally {
      await healthy.close();
    }
  });
});

describe('jobs between polls', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Remote jobs take 1.5–2 s of real time, so tests can act while jobs wait between polls.
    stack = await startStack({
      timeFactor: 0.001,
      emulator: { durations: { simple: { minMs: 1_500_000, maxMs: 2_000_000 } } },
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('a new worker finishes a job whose worker died after the checkpoint, with one submit', async () => {
    const first = await stack.startWorker();
    const input = await uploadInput(stack);
    const job = rendition(stack, input);
    const { id } = await stack.edits.enqueue(job);
    await waitFor(async () => (await stack.edits.get(id))?.step === 'poll', {
      what: 'the checkpoint',
    });
    await first.close();
    await stack.startWorker();
    const done = await stack.edits.waitFor(id, { timeout: 30_000 });
    expect(done.state).toBe('completed');
    expect(done.submits).toBe(1);
    expect(submitsFor(stack, job.outputs[0]!.ref)).toBe(1);
  });

  it('cancels a job while it polls: it ends failed with reason cancelled', async () => {
    await stack.startWorker();
    const input = await uploadInput(stack);
    const { id } = await stack.edits.enqueue(rendition(stack, input));
    await waitFor(async () => (await stack.edits.get(id))?.step === 'poll', {
      what: 'the checkpoint',
    });
    expect(await stack.edits.cancel(id)).toBe('requested');
    const done = await stack.edits.waitFor(id, { timeout: 10_000 });
    expect(done.state).toBe('failed');
    expect(done.failure?.reason).toBe('cancelled');
  });

  it.each(['darkroom retry', "Bull Board's Retry"])(
    '%s of an edit that failed after its submit is a fresh submission, counted',
    async (how) => {
      await stack.startWorker();
      const input = await uploadInput(stack);
      const job = rendition(stack, input);
      const { id } = await stack.edits.enqueue(job);
      await waitFor(async () => (await stack.edits.get(id))?.step === 'poll', {
        what: 'the checkpoint',
      });
      const first = (await stack.edits.get(id))?.remoteJobId;
      expect(await stack.edits.cancel(id)).toBe('requested');
      expect((await stack.edits.waitFor(id, { timeout: 10_000 })).failure?.reason).toBe(
        'cancelled',
      );

      if (how === 'darkroom retry') await stack.edits.retry(id);
      // Bull Board's Retry button moves the failed job back to waiting and touches nothing else.
      else await (await Job.fromId(stack.edits.queue, id))!.retry('failed');

      await waitFor(async () => (await stack.edits.get(id))?.state === 'completed', {
        timeoutMs: 15_000,
        what: 'the retried edit to complete',
      });
      const done = await stack.edits.get(id);
      expect(done?.result?.submits).toBe(2);
      expect(done?.retries).toBe(1);
      expect(done?.earlierRemoteJobIds).toEqual([first]);
      expect(done?.remoteJobId).not.toBe(first);
      // Both rounds reached Adobe, and Darkroom says so.
      expect(submitsFor(stack, job.outputs[0]!.ref)).toBe(2);
    },
  );

  it('ends a job whose deadline passed before it could be submitted with deadline_exceeded', async () => {
    await stack.startWorker();
    const input = await uploadInput(stack);
    // Close to the shortest deadline intake accepts (5 s); the queue is paused until it passed.
    const deadline = Date.now() + 6_000;
    const job = rendition(stack, input, { deadline });
    await stack.edits.queue.pause();
    const { id } = await stack.edits.enqueue(job);
    await waitFor(() => Date.now() > deadline, { timeoutMs: 12_000, what: 'the deadline' });
    await stack.edits.queue.resume();
    const done = await stack.edits.waitFor(id, { timeout: 15_000 });
    expect(done.state).toBe('failed');
    expect(done.failure?.reason).toBe('deadline_exceeded');
    expect(done.failure?.message).toMatch(/passed before submission$/);
    expect(receivedFor(stack, job.outputs[0]!.ref)).toBe(0);
  });

  it('loses none of 100 jobs between polls when their worker shuts down', async () => {
    const worker = await stack.startWorker({ WORKER_CONCURRENCY: '50' });
    const input = await uploadInput(stack);
    const jobs = Array.from({ length: 100 }, () => rendition(stack, input));
    const ids = (await stack.edits.enqueueMany(jobs)).map((r) => r.id);
    await waitFor(
      async () => {
        const steps = await Promise.all(ids.map(async (id) => (await stack.edits.get(id))?.step));
        return steps.every((s) => s === 'poll');
      },
      { timeoutMs: 30_000, what: 'all 100 jobs submitted' },
    );
    const stopping = Date.now();
    await worker.close();
    // Nothing holds a slot between polls, so the drain does not wait for the remote jobs.
    expect(Date.now() - stopping).toBeLessThan(5_000);
    await stack.startWorker({ WORKER_CONCURRENCY: '50' });
    const results = await Promise.all(
      ids.map((id) => stack.edits.waitFor(id, { timeout: 60_000 })),
    );
    expect(results.filter((r) => r.state === 'completed')).toHaveLength(100);
    for (const job of jobs) expect(submitsFor(stack, job.outputs[0]!.ref)).toBe(1);
  });
});
