import { Queue, type Job } from 'bullmq';
import type { EditJobData, EditJobResult } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { startConsumer, type Consumer } from '../src/consumer';
import { capturedLogger } from './support/log-capture';

guardAgainstLeaks();

const PREFIX = '{darkroom}';

/** Just enough job data for the consumer's own bookkeeping; the processor here ignores it. */
const jobData = { request: { operation: 'renditionCreate' }, account: 'default' } as EditJobData;
const result = {} as EditJobResult;

describe('startConsumer', () => {
  let queue: Queue<EditJobData, EditJobResult>;
  let consumer: Consumer | undefined;
  const pipeline = { setActive: jest.fn(), jobFailed: jest.fn(), stalled: jest.fn() };

  const start = (
    processor: (job: Job, token?: string, signal?: AbortSignal) => Promise<EditJobResult>,
  ) =>
    (consumer = startConsumer({
      config: { redis: redisUrl(), queueName: queue.name, prefix: PREFIX, concurrency: 2 },
      processor,
      pipeline,
      logger: capturedLogger().logger,
    }));

  beforeEach(() => {
    queue = new Queue(uniqueName('consumer'), { connection: { url: redisUrl() }, prefix: PREFIX });
    pipeline.setActive.mockClear();
    pipeline.jobFailed.mockClear();
  });
  afterEach(async () => {
    await consumer?.abort('test over');
    await consumer?.release();
    consumer = undefined;
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('takes jobs at once, counting them in and out and noting when it last took one', async () => {
    const processed: string[] = [];
    const started = start((job) => {
      processed.push(String(job.id));
      return Promise.resolve(result);
    });
    const before = started.lastPickupAt();
    const job = await queue.add('edit', jobData);

    await waitFor(async () => (await job.getState()) === 'completed', {
      what: 'the job to complete',
    });
    expect(processed).toEqual([job.id]);
    expect(started.isRunning()).toBe(true);
    expect(started.active()).toBe(0);
    expect(started.lastPickupAt()).toBeGreaterThanOrEqual(before);
    expect(pipeline.setActive.mock.calls).toEqual([[1], [0]]);
  });

  it('counts a job that failed too many stalls as stalled', async () => {
    start(() => Promise.reject(new Error('job stalled more than allowable limit')));
    const job = await queue.add('edit', jobData);

    await waitFor(async () => (await job.getState()) === 'failed', { what: 'the job to fail' });
    await waitFor(() => pipeline.jobFailed.mock.calls.length > 0, { what: 'the failure to count' });
    expect(pipeline.jobFailed).toHaveBeenCalledWith('renditionCreate', 'default', 'stalled');
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
