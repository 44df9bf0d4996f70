import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { EditQueue, RedisUnavailableError } from '@darkroom/jobs';
import { createLogger } from '@darkroom/observability';
import { createServer } from '@darkroom/producer';
import {
  guardAgainstLeaks,
  startRedisServer,
  uniqueName,
  waitFor,
  type RedisServer,
} from '@darkroom/testing';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';
import { startPipeline, type Pipeline } from './support/pipeline';

guardAgainstLeaks();

const OUTAGE_MS = 20_000;

describe('Redis stopped for 20 s while jobs run', () => {
  let redis: RedisServer;
  let pipeline: Pipeline;
  let edits: EditQueue;
  let worker: DarkroomWorker;
  let producer: Server;
  let producerUrl: string;
  const logs: string[] = [];

  beforeAll(async () => {
    redis = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', 'everysec'] });
    pipeline = await startPipeline();
    const queueName = uniqueName('outage');
    edits = new EditQueue({ connection: redis.url, queueName, backoffMs: 50 });
    worker = await createWorker(
      parseWorkerConfig({
        ...pipeline.workerEnv(),
        REDIS_URL: redis.url,
        DARKROOM_QUEUE: queueName,
      }),
      {
        logDestination: new Writable({
          write(chunk: Buffer, _e, done) {
            logs.push(chunk.toString());
            done();
          },
        }),
      },
    );
    producer = createHttpServer(
      createServer({ edits, tokens: ['tok'], logger: createLogger({ level: 'silent' }) }),
    );
    await new Promise<void>((resolve) => producer.listen(0, '127.0.0.1', resolve));
    producerUrl = `http://127.0.0.1:${(producer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    producer.closeAllConnections();
    await new Promise<void>((resolve) => producer.close(() => resolve()));
    await worker.close();
    await edits.queue.obliterate({ force: true }).catch(() => undefined);
    await edits.close();
    await pipeline.close();
    await redis.close();
  });

  const job = () => ({
    operation: 'renditionCreate',
    input: pipeline.input,
    outputs: [{ ref: `s3://${pipeline.outBucket}/${uniqueName('o')}.jpg`, type: 'image/jpeg' }],
  });
  const readyz = async (): Promise<{ status: number; body: { reasons?: string[] } }> => {
    const res = await fetch(`http://127.0.0.1:${worker.port}/readyz`);
    return { status: res.status, body: (await res.json()) as { reasons?: string[] } };
  };

  it('fails producers fast, reports the outage on /readyz, and resumes consuming on its own', async () => {
    const before = await Promise.all(Array.from({ length: 10 }, () => edits.enqueue(job())));
    await Promise.all(before.map(({ id }) => edits.waitFor(id, { timeout: 30_000 })));
    expect((await readyz()).status).toBe(200);

    await redis.stop();
    const downAt = Date.now();

    let t = Date.now();
    await expect(edits.enqueue(job())).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(Date.now() - t).toBeLessThan(1_500);

    t = Date.now();
    const res = await fetch(`${producerUrl}/v1/edits`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
      body: JSON.stringify(job()),
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('redis_unavailable');
    expect(Date.now() - t).toBeLessThan(1_500);

    await waitFor(async () => (await readyz()).status === 503, {
      timeoutMs: 5_000,
      what: '/readyz to report the outage',
    });
    expect((await readyz()).body.reasons).toContain('redis unreachable');

    // Through the whole outage the worker keeps saying it is not ready.
    let readyDuringOutage = 0;
    await waitFor(
      async () => {
        if ((await readyz()).status !== 503) readyDuringOutage += 1;
        return Date.now() - downAt >= OUTAGE_MS;
      },
      { timeoutMs: OUTAGE_MS + 5_000, intervalMs: 1_000, what: 'the end of the outage' },
    );
    expect(readyDuringOutage).toBe(0);
    await redis.start();
    const backAt = Date.now();

    // No restart of the worker: the same process must take new jobs within 30 s.
    const after = await waitFor(
      async () => {
        try {
          return await Promise.all(Array.from({ length: 10 }, () => edits.enqueue(job())));
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'enqueue to work again' },
    );
    const done = await Promise.all(after.map(({ id }) => edits.waitFor(id, { timeout: 30_000 })));
    expect(done.map((d) => d.state)).toEqual(Array(10).fill('completed'));
    expect(Date.now() - backAt).toBeLessThan(30_000);
    await waitFor(async () => (await readyz()).status === 200, {
      timeoutMs: 10_000,
      what: '/readyz to recover',
    });
    expect(logs.join('')).not.toMatch(/X-Amz-Signature/);
  }, 90_000);
});
