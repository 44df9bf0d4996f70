import { DelayedError, Queue, type Job } from 'bullmq';
import { Registry } from 'prom-client';
import type { EditJobData, EditJobResult } from '@darkroom/jobs';
import { PipelineMetrics } from '@darkroom/observability';
import { guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { startConsumer, type Consumer } from '../src/consumer';
import { startWatchdog, waitingBacklog, type Watchdog } from '../src/watchdog';
import { startFreezingProxy, type FreezingProxy } from './support/freezing-proxy';
import { capturedLogger } from './support/log-capture';

guardAgainstLeaks();

const PREFIX = '{darkroom}';
const CONCURRENCY = 2;
const WEDGE_AFTER_MS = 300;
const RESTART_MSG = 'consumer took no job while jobs wait; restarting it';

const jobData = { request: { operation: 'renditionCreate' }, account: 'default' } as EditJobData;

/** A step machine in miniature: two polls handed back as delayed jobs, then done. */
async function twoPollsThenDone(job: Job, token?: string): Promise<EditJobResult> {
  const polls = (job.data as { polls?: number }).polls ?? 0;
  if (polls >= 2) return {} as EditJobResult;
  await job.updateData({ ...job.data, polls: polls + 1 });
  await job.moveToDelayed(Date.now() + 10, token);
  throw new DelayedError();
}

/**
 * The watchdog against a real BullMQ consumer: it must replace one that truly stopped taking
 * jobs, and leave alone one whose queue is paused or that simply has nothing to do.
 */
describe('the watchdog over a live consumer', () => {
  let queue: Queue<EditJobData, EditJobResult>;
  let proxy: FreezingProxy;
  let consumer: Consumer;
  let watchdog: Watchdog;
  let records: () => Record<string, unknown>[];
  let checks = 0;

  const restarts = (): number => records().filter((r) => r.msg === RESTART_MSG).length;
  const allIn = async (jobs: Job[], state: string): Promise<boolean> =>
    (await Promise.all(jobs.map((j) => j.getState()))).every((s) => s === state);
  /** Lets the watchdog's own timer run `n` more checks. */
  const watchChecks = async (n: number): Promise<void> => {
    const target = checks + n;
    await waitFor(() => checks >= target, { what: `${n} more watchdog checks` });
  };

  beforeEach(async () => {
    queue = new Queue(uniqueName('watchdog'), { connection: { url: redisUrl() }, prefix: PREFIX });
    proxy = await startFreezingProxy(redisUrl());
    const captured = capturedLogger();
    records = captured.records;
    consumer = startConsumer({
      config: { redis: proxy.url, queueName: queue.name, prefix: PREFIX, concurrency: CONCURRENCY },
      processor: twoPollsThenDone,
      pipeline: new PipelineMetrics({ register: new Registry() }),
      logger: captured.logger,
    });
    checks = 0;
    watchdog = startWatchdog({
      backlog: () => {
        checks += 1;
        return waitingBacklog(queue);
      },
      consumer,
      concurrency: CONCURRENCY,
      wedgeAfterMs: WEDGE_AFTER_MS,
      logger: captured.logger,
    });
    // Work first: jobs that went through delayed hand-backs leave no slot counted as taken.
    const warmUp = await queue.addBulk(
      Array.from({ length: 6 }, () => ({ name: 'edit', data: jobData })),
    );
    await waitFor(() => allIn(warmUp, 'completed'), { what: 'the warm-up jobs' });
    expect(consumer.active()).toBe(0);
  });
  afterEach(async () => {
    watchdog.stop();
    await proxy.close();
    await consumer.abort('test over');
    await consumer.release();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('replaces a consumer whose connections went silent while jobs wait', async () => {
    proxy.freeze();
    const jobs = await queue.addBulk(
      Array.from({ length: 3 }, () => ({ name: 'edit', data: jobData })),
    );

    await waitFor(() => restarts() > 0, { what: 'the watchdog to restart the consumer' });
    await waitFor(() => allIn(jobs, 'completed'), { what: 'the replacement to run the jobs' });
    expect(restarts()).toBe(1);
    expect(consumer.active()).toBe(0);
  });

  it('leaves the consumer of a paused queue alone, and it goes on once the queue resumes', async () => {
    await queue.pause();
    const jobs = await queue.addBulk(
      Array.from({ length: 3 }, () => ({ name: 'edit', data: jobData })),
    );
    expect(await queue.getWaitingCount()).toBe(3);

    await waitFor(() => Date.now() - consumer.lastPickupAt() > 3 * WEDGE_AFTER_MS, {
      what: 'the consumer to idle past the wedge time',
    });
    await watchChecks(2);
    expect(watchdog.isWedged()).toBe(false);
    expect(restarts()).toBe(0);

    await queue.resume();
    await waitFor(() => allIn(jobs, 'completed'), { what: 'the jobs after the resume' });
    expect(restarts()).toBe(0);
  });

  it('leaves an idle consumer alone, with jobs waiting between polls and when new work arrives', async () => {
    const waitingForPolls = await queue.add('edit', jobData, { delay: 600_000 });
    await waitFor(() => Date.now() - consumer.lastPickupAt() > 3 * WEDGE_AFTER_MS, {
      what: 'the consumer to idle past the wedge time',
    });
    await watchChecks(2);
    expect(await waitingForPolls.getState()).toBe('delayed');
    expect(watchdog.isWedged()).toBe(false);

    const arrived = await queue.add('edit', jobData);
    await watchChecks(2);
    await waitFor(() => allIn([arrived], 'completed'), { what: 'the new job' });
    expect(restarts()).toBe(0);
  });
});
