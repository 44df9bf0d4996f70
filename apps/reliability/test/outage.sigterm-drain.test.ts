import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { EditQueue } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { spawnWorker, stopWorker, type WorkerProcess } from '../src';
import { startPipeline, type Pipeline } from './support/pipeline';

guardAgainstLeaks();

/** The API timeout of these workers; the drain deadline must cover it. */
const API_TIMEOUT_MS = 8_000;
const DRAIN_MS = 10_000;

describe('SIGTERM with 200 jobs between polls and 20 POSTs in flight', () => {
  let pipeline: Pipeline;
  let edits: EditQueue;
  let events: QueueEvents;
  let eventsConnection: Redis;
  let queueName: string;
  const workers: WorkerProcess[] = [];
  let stalled = 0;

  beforeAll(async () => {
    // Remote jobs take 8–10 s: long enough for the first 200 to sit between polls.
    pipeline = await startPipeline({
      timeFactor: 1,
      durations: { simple: { minMs: 8_000, maxMs: 10_000 } },
    });
    queueName = uniqueName('drain');
    edits = new EditQueue({ connection: redisUrl(), queueName, backoffMs: 50 });
    eventsConnection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    events = new QueueEvents(queueName, { connection: eventsConnection, prefix: '{darkroom}' });
    events.on('stalled', () => {
      stalled += 1;
    });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => stopWorker(w, 5_000)));
    await events.close();
    eventsConnection.disconnect();
    await edits.queue.obliterate({ force: true }).catch(() => undefined);
    await edits.close();
    await pipeline.close();
  });

  const start = (): WorkerProcess => {
    const worker = spawnWorker(`drain-${workers.length + 1}`, {
      ...pipeline.workerEnv(),
      REDIS_URL: redisUrl(),
      DARKROOM_QUEUE: queueName,
      WORKER_CONCURRENCY: '50',
      API_TIMEOUT_MS: String(API_TIMEOUT_MS),
      WORKER_DRAIN_TIMEOUT_MS: String(DRAIN_MS),
      EXPECTED_DURATION_SCALE: '0.5',
    });
    workers.push(worker);
    return worker;
  };

  it('waits for the POSTs in flight, exits within its drain deadline, and sends none twice', async () => {
    const first = start();
    await first.started;
    const job = () => ({
      operation: 'renditionCreate',
      input: pipeline.input,
      outputs: [{ ref: `s3://${pipeline.outBucket}/${uniqueName('o')}.jpg`, type: 'image/jpeg' }],
    });
    const polling = await edits.enqueueMany(Array.from({ length: 200 }, job));
    await waitFor(async () => ((await edits.counts()).delayed ?? 0) >= 200, {
      timeoutMs: 30_000,
      what: '200 jobs waiting between polls',
    });

    pipeline.emulator.setFaults({ submit: { latencyMs: 6_000 } });
    const slow = Array.from({ length: 20 }, job);
    const inFlight = await edits.enqueueMany(slow);
    const locations = slow.map((j) =>
      j.outputs[0]!.ref.replace('s3://', `${pipeline.s3.endpoint}/`),
    );
    await waitFor(
      () => {
        const attempts = pipeline.emulator.stats().submitAttemptsByLocation;
        return locations.every((l) => (attempts[l] ?? 0) >= 1);
      },
      { timeoutMs: 20_000, what: '20 submits in flight' },
    );

    const sentAt = Date.now();
    first.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit.code).toBe(0);
    // The worker's own deadline plus process teardown.
    expect(exit.at - sentAt).toBeLessThan(DRAIN_MS + 3_000);

    pipeline.emulator.setFaults({});
    const second = start();
    await second.started;
    const done = await Promise.all(
      [...polling, ...inFlight].map(({ id }) => edits.waitFor(id, { timeout: 60_000 })),
    );
    expect(done.filter((d) => d.state !== 'completed')).toEqual([]);
    expect(stalled).toBe(0);
    // Adobe accepted each POST that was in flight at the SIGTERM once: the drain waited for its
    // reply instead of cutting it off and leaving the next worker to send it again.
    const received = pipeline.emulator.stats().submitAttemptsByLocation;
    expect(locations.map((l) => received[l])).toEqual(locations.map(() => 1));
    const results = await Promise.all(inFlight.map(({ id }) => edits.get(id)));
    expect(results.map((r) => r?.result?.submits)).toEqual(locations.map(() => 1));
  }, 120_000);
});
