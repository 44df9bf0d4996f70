import { Writable } from 'node:stream';
import { EditQueue } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';
import { startPipeline, type Pipeline } from './support/pipeline';
import { startTcpSwitch, type TcpSwitch } from './support/tcp-switch';

guardAgainstLeaks();

const ATTEMPTS = 8;

describe('the Photoshop API unreachable for a while', () => {
  let pipeline: Pipeline;
  let api: TcpSwitch;
  let edits: EditQueue;
  let worker: DarkroomWorker;
  const logs: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    // Remote jobs take 1–3 s, so some are between polls when the API goes away.
    pipeline = await startPipeline({ timeFactor: 0.2 });
    api = await startTcpSwitch(pipeline.emulator.port);
    const queueName = uniqueName('api-down');
    edits = new EditQueue({
      connection: redisUrl(),
      queueName,
      attempts: ATTEMPTS,
      backoffMs: 100,
    });
    worker = await createWorker(
      parseWorkerConfig({
        ...pipeline.workerEnv(api.url),
        REDIS_URL: redisUrl(),
        DARKROOM_QUEUE: queueName,
      }),
      {
        logDestination: new Writable({
          write(chunk: Buffer, _e, done) {
            for (const line of chunk.toString().split('\n').filter(Boolean)) {
              logs.push(JSON.parse(line) as Record<string, unknown>);
            }
            done();
          },
        }),
      },
    );
  });
  afterAll(async () => {
    await worker.close();
    await edits.queue.obliterate({ force: true }).catch(() => undefined);
    await edits.close();
    await api.close();
    await pipeline.close();
  });

  const job = () => ({
    operation: 'renditionCreate',
    input: pipeline.input,
    outputs: [{ ref: `s3://${pipeline.outBucket}/${uniqueName('o')}.jpg`, type: 'image/jpeg' }],
  });

  it('backs jobs off while it is down and finishes them after, without pausing the budget', async () => {
    const polling = await Promise.all(Array.from({ length: 10 }, () => edits.enqueue(job())));
    await waitFor(
      async () => {
        const states = await Promise.all(polling.map(({ id }) => edits.get(id)));
        return states.every((s) => s?.step === 'poll');
      },
      { timeoutMs: 20_000, what: 'ten jobs between polls' },
    );
    await api.down();
    const downAt = Date.now();
    const submitting = await Promise.all(Array.from({ length: 10 }, () => edits.enqueue(job())));
    const retried = (): Set<unknown> =>
      new Set(
        logs
          .filter((l) => String(l.msg).endsWith('attempt failed; will retry'))
          .map((l) => l.jobId),
      );
    // Down for at least 3 s, and every new job has tried and failed to reach the API.
    await waitFor(
      () => {
        const seen = retried();
        return submitting.every(({ id }) => seen.has(id)) && Date.now() - downAt >= 3_000;
      },
      { timeoutMs: 20_000, what: 'jobs to fail against the closed port' },
    );
    await api.up();

    const done = await Promise.all(
      [...polling, ...submitting].map(({ id }) => edits.waitFor(id, { timeout: 60_000 })),
    );
    expect(done.map((d) => d.state)).toEqual(Array(20).fill('completed'));
    for (const d of done) expect(d.attemptsMade).toBeLessThan(ATTEMPTS);
    // A closed port is not a 429: nothing paused the shared budget.
    expect(logs.filter((l) => String(l.msg).includes('rate limited'))).toEqual([]);
    expect(pipeline.emulator.stats().clients['darkroom-outage']?.throttled ?? 0).toBe(0);
    // Jobs polled before the outage kept their remote job, and a POST the closed port refused
    // never left: one submit each, as the emulator saw.
    for (const d of done) expect(d.submits).toBe(1);
  }, 90_000);
});
