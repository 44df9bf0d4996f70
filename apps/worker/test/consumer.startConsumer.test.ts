import { DelayedError, Queue, UnrecoverableError, type Job } from 'bullmq';
import { Registry } from 'prom-client';
import type { EditJobData, EditJobResult } from '@darkroom/jobs';
import { PipelineMetrics } from '@darkroom/observability';
import { guardAgainstLeaks, redisClient, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { startConsumer, type Consumer } from '../src/consumer';
import { capturedLogger } from './support/log-capture';

guardAgainstLeaks();

const PREFIX = '{darkroom}';
const CONCURRENCY = 3;

/** Just enough job data for the consumer's own bookkeeping; the processors here ignore it. */
const jobData = { request: { operation: 'renditionCreate' }, account: 'default' } as EditJobData;
const result = {} as EditJobResult;

type TestProcessor = (job: Job, token?: string, signal?: AbortSignal) => Promise<EditJobResult>;

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('startConsumer', () => {
  let queue: Queue<EditJobData, EditJobResult>;
  let consumer: Consumer | undefined;
  let register: Registry;
  let pipeline: PipelineMetrics;

  /** What `/metrics` would say: the worker's active-jobs gauge. */
  const gauge = async (name = 'darkroom_worker_active_jobs'): Promise<number> =>
    (await register.getSingleMetric(name)!.get()).values[0]?.value ?? 0;

  const stalledOut: string[] = [];
  const start = (
    processor: TestProcessor,
    concurrency = CONCURRENCY,
    lockDurationMs?: number,
  ): Consumer =>
    (consumer = startConsumer({
      config: {
        redis: redisUrl(),
        queueName: queue.name,
        prefix: PREFIX,
        concurrency,
        ...(lockDurationMs !== undefined ? { lockDurationMs } : {}),
      },
      processor,
      pipeline,
      logger: capturedLogger().logger,
      onStalledOut: (job) => stalledOut.push(String(job.id)),
    }));

  beforeEach(() => {
    queue = new Queue(uniqueName('consumer'), { connection: { url: redisUrl() }, prefix: PREFIX });
    register = new Registry();
    pipeline = new PipelineMetrics({ register });
  });
  afterEach(async () => {
    await consumer?.abort('test over');
    await consumer?.release();
    consumer = undefined;
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('takes jobs at once, counting them in and out and noting when it last took one', async () => {
    const seen: number[] = [];
    const started = start(async () => {
      seen.push(await gauge());
      return result;
    });
    const before = started.lastPickupAt();
    const job = await queue.add('edit', jobData);

    await waitFor(async () => (await job.getState()) === 'completed', {
      what: 'the job to complete',
    });
    expect(seen).toEqual([1]);
    expect(started.isRunning()).toBe(true);
    expect(started.active()).toBe(0);
    expect(await gauge()).toBe(0);
    expect(started.lastPickupAt()).toBeGreaterThanOrEqual(before);
  });

  it("counts exactly the jobs inside the processor, as BullMQ's active list does", async () => {
    const release = gate();
    const started = start(async () => {
      await release.opened;
      return result;
    });
    const jobs = await queue.addBulk(
      Array.from({ length: CONCURRENCY + 2 }, () => ({ name: 'edit', data: jobData })),
    );

    await waitFor(() => started.active() === CONCURRENCY, { what: 'every slot to fill' });
    expect(await queue.getActiveCount()).toBe(CONCURRENCY);
    expect(await gauge()).toBe(CONCURRENCY);
    release.open();
    await waitFor(
      async () =>
        (await Promise.all(jobs.map((j) => j.getState()))).every((s) => s === 'completed'),
      { what: 'every job to complete' },
    );
    expect(started.active()).toBe(0);
    expect(await gauge()).toBe(0);
  });

  it.each([
    ['WORKER_LOCK_DURATION_MS', 1_500, 1_500],
    ["BullMQ's own 30 s by default", undefined, 30_000],
  ])('locks a job it holds for %s', async (_case, lockDurationMs, expected) => {
    const release = gate();
    const started = start(
      async () => {
        await release.opened;
        return result;
      },
      1,
      lockDurationMs,
    );
    const job = await queue.add('edit', jobData);
    await waitFor(() => started.active() === 1, { what: 'the job to be taken' });
    // The lock BullMQ keeps in Redis while the job is held: its time to live is the duration.
    const redis = redisClient();
    try {
      const ttl = await redis.pttl(`${PREFIX}:${queue.name}:${String(job.id)}:lock`);
      expect(ttl).toBeGreaterThan(expected / 2);
      expect(ttl).toBeLessThanOrEqual(expected);
    } finally {
      redis.disconnect();
      release.open();
    }
    await waitFor(async () => (await job.getState()) === 'completed', { what: 'the job to end' });
  });

  /** How a run may end, and the state BullMQ leaves its job in. */
  const endings: [string, TestProcessor, string][] = [
    ['completes', () => Promise.resolve(result), 'completed'],
    ['fails', () => Promise.reject(new Error('remote_failed: the edit failed')), 'failed'],
    ['fails for good', () => Promise.reject(new UnrecoverableError('client_error')), 'failed'],
    [
      'is handed back as a delayed job between polls',
      async (job, token) => {
        await job.moveToDelayed(Date.now() + 600_000, token);
        throw new DelayedError();
      },
      'delayed',
    ],
    [
      'loses its lock before handing itself back',
      async (job, token) => {
        const redis = redisClient();
        await redis.del(queue.toKey(`${job.id}:lock`)).finally(() => redis.disconnect());
        await job.moveToDelayed(Date.now() + 600_000, token);
        throw new DelayedError();
      },
      'active',
    ],
  ];

  it.each(endings)('counts a job out when its run %s', async (_case, processor, state) => {
    const runs: Promise<unknown>[] = [];
    const started = start((job, token, signal) => {
      const run = processor(job, token, signal);
      runs.push(run.catch(() => undefined));
      return run;
    });
    const job = await queue.add('edit', jobData, { attempts: 1 });

    await waitFor(() => runs.length === 1, { what: 'the job to be taken' });
    await runs[0];
    await waitFor(async () => (await job.getState()) === state, { what: `the job to be ${state}` });
    expect(started.active()).toBe(0);
    expect(await gauge()).toBe(0);
  });

  it('counts out a job whose call is aborted by a shutdown', async () => {
    const started = start(
      (_job, _token, signal) =>
        new Promise<EditJobResult>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(new Error(String(signal.reason))));
        }),
    );
    await queue.add('edit', jobData);
    await waitFor(() => started.active() === 1, { what: 'the job to be taken' });
    expect(await gauge()).toBe(1);

    await started.abort('shutdown');
    await waitFor(() => started.active() === 0, { what: 'the aborted job to leave' });
    expect(await gauge()).toBe(0);
  });

  it('stays within the concurrency and ends at 0 over many jobs with several hand-backs each', async () => {
    const HAND_BACKS = 3;
    const samples: number[] = [];
    const started = start(async (job, token) => {
      samples.push(started.active(), await gauge());
      const handBacks = (job.data as { handBacks?: number }).handBacks ?? 0;
      if (handBacks >= HAND_BACKS) return result;
      await job.updateData({ ...job.data, handBacks: handBacks + 1 });
      await job.moveToDelayed(Date.now() + 20, token);
      throw new DelayedError();
    });
    const jobs = await queue.addBulk(
      Array.from({ length: 24 }, () => ({ name: 'edit', data: jobData })),
    );

    await waitFor(
      async () =>
        (await Promise.all(jobs.map((j) => j.getState()))).every((s) => s === 'completed'),
      { what: 'every job to complete', timeoutMs: 30_000 },
    );
    expect(samples.length).toBe(2 * jobs.length * (HAND_BACKS + 1));
    expect(Math.max(...samples)).toBeLessThanOrEqual(CONCURRENCY);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(1);
    expect(started.active()).toBe(0);
    expect(await gauge()).toBe(0);
    expect(await queue.getActiveCount()).toBe(0);
  });

  it('counts a job that failed too many stalls as stalled, and tells its callbacks', async () => {
    start(() => Promise.reject(new Error('job stalled more than allowable limit')));
    const job = await queue.add('edit', jobData);

    await waitFor(async () => (await job.getState()) === 'failed', { what: 'the job to fail' });
    const failed = register.getSingleMetric('darkroom_jobs_failed_total')!;
    await waitFor(async () => (await failed.get()).values.length > 0, {
      what: 'the failure to count',
    });
    expect((await failed.get()).values).toEqual([
      expect.objectContaining({
        labels: { operation: 'renditionCreate', account: 'default', reason: 'stalled' },
        value: 1,
      }),
    ]);
    expect(stalledOut).toContain(String(job.id));
    expect(consumer!.active()).toBe(0);
  });

  it('after a restart a fresh BullMQ Worker takes the next jobs', async () => {
    const processed: string[] = [];
    const started = start((job) => {
      processed.push(String(job.id));
      return Promise.resolve(result);
    });
    const first = await queue.add('edit', jobData);
    await waitFor(async () => (await first.getState()) === 'completed', { what: 'the first job' });

    const restartedAt = Date.now();
    await started.restart();
    expect(started.lastPickupAt()).toBeGreaterThanOrEqual(restartedAt);
    expect(started.isRunning()).toBe(true);
    const second = await queue.add('edit', jobData);
    await waitFor(async () => (await second.getState()) === 'completed', {
      what: 'the second job',
    });
    expect(processed).toEqual([first.id, second.id]);
    expect(started.active()).toBe(0);
  });

  it('abort cancels the calls in flight and closes without waiting for them to settle', async () => {
    const reasons: unknown[] = [];
    // A call that ignores its abort signal and never settles: abort must not wait for it.
    const started = start(
      (_job, _token, signal) =>
        new Promise<EditJobResult>(() => {
          signal?.addEventListener('abort', () => reasons.push(signal.reason));
        }),
    );
    await queue.add('edit', jobData);
    await waitFor(() => started.active() === 1, { what: 'the job to be taken' });

    await started.abort('shutdown');
    expect(reasons).toEqual(['shutdown']);
  });
});
