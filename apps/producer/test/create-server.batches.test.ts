import request from 'supertest';
import { CallbackDispatcher } from '@darkroom/callbacks';
import { guardAgainstLeaks, redisClient, uniqueName, waitFor } from '@darkroom/testing';
import type { BatchEnqueueResult, EnqueueResult } from '@darkroom/jobs';
import {
  auth,
  bodyOf,
  errorOf,
  fakeResult,
  rendition,
  startApi,
  startWorker,
  type ApiHarness,
} from './support/api-harness';

guardAgainstLeaks();

interface BatchBody {
  id: string;
  total: number;
  counts: Record<string, number>;
  done: boolean;
  createdAt: number;
  completedAt?: number;
  ended: Record<string, number>;
  callback?: { state: string; attempts: number; target: string; type?: string };
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

describe('batches: ids, Location headers, GET /v1/batches/{id}', () => {
  let api: ApiHarness;
  let callbacks: CallbackDispatcher;
  let reader: ReturnType<typeof redisClient>;
  const callbackQueue = uniqueName('batch-callbacks');
  const post = (path: string, body: unknown) =>
    request(api.server)
      .post(path)
      .set(auth)
      .send(body as object);
  const batchOf = async (path: string) =>
    bodyOf<BatchBody>(await request(api.server).get(path).set(auth).expect(200));

  beforeEach(async () => {
    reader = redisClient();
    // What the producer runs: a dispatcher that queues and reads deliveries, and never sends.
    callbacks = new CallbackDispatcher({
      connection: reader,
      prefix: '{darkroom}',
      queueName: callbackQueue,
      worker: false,
    });
    api = await startApi({ callbacks, maxBatch: 10 });
  });
  afterEach(async () => {
    await api.close();
    // BullMQ's obliterate leaves the batch records beside the queue.
    await callbacks.queue.obliterate({ force: true });
    await callbacks.close();
    const left = [
      ...(await reader.keys(`${api.edits.prefix}:${api.edits.queueName}:*`)),
      ...(await reader.keys(`{darkroom}:${callbackQueue}:*`)),
    ];
    if (left.length > 0) await reader.del(...left);
    reader.disconnect();
  });

  it('answers 201 with the Location of the new edit; a replay is 200 without one', async () => {
    const body = rendition(1, { idempotencyKey: 'loc-1' });
    const created = await post('/v1/edits', body).expect(201);
    const { id } = bodyOf<EnqueueResult>(created);
    expect(created.headers.location).toBe(`/v1/edits/${id}`);
    await request(api.server)
      .get(created.headers.location as string)
      .set(auth)
      .expect(200);
    const replay = await post('/v1/edits', body).expect(200);
    expect(replay.headers.location).toBeUndefined();
  });

  it('names every batch, points Location at it, and reports its edits until all have ended', async () => {
    const created = await post('/v1/edits:batch', {
      jobs: [rendition(1), rendition(2), rendition(3, { tenant: 'shop-1' })],
    }).expect(201);
    const batch = bodyOf<BatchEnqueueResult>(created);
    expect(batch).toEqual({
      batchId: expect.stringMatching(/^batch-[0-9a-f]{32}$/) as string,
      members: 3,
      results: [0, 1, 2].map(() => ({ id: expect.any(String) as string, duplicate: false })),
    });
    expect(created.headers.location).toBe(`/v1/batches/${batch.batchId}`);

    const waiting = await batchOf(created.headers.location as string);
    expect(waiting).toMatchObject({ id: batch.batchId, total: 3, done: false });
    expect(waiting.counts).toMatchObject({ waiting: 3, completed: 0 });
    expect(waiting.callback).toBeUndefined();
    const one = await request(api.server)
      .get(`/v1/edits/${batch.results[0]!.id}`)
      .set(auth)
      .expect(200);
    expect(bodyOf<{ batchId: string }>(one).batchId).toBe(batch.batchId);

    const worker = startWorker(api.edits, () => Promise.resolve(fakeResult('s3://out/x.jpg')));
    try {
      const done = await waitFor(
        async () => {
          const now = await batchOf(`/v1/batches/${batch.batchId}`);
          return now.done ? now : null;
        },
        { what: 'the batch to be done' },
      );
      expect(done.counts).toMatchObject({ waiting: 0, active: 0, completed: 3 });
    } finally {
      await worker.close();
    }
  });

  it("shows the batch's callback as origin and path, awaiting the batch until it has ended", async () => {
    const created = await post('/v1/edits:batch', {
      jobs: [rendition(1)],
      callback: { url: 'https://app.example.com/batches?sig=app-secret' },
    }).expect(201);
    const { batchId } = bodyOf<BatchEnqueueResult>(created);
    const batch = await batchOf(`/v1/batches/${batchId}`);
    expect(batch.callback).toEqual({
      state: 'awaiting_batch',
      attempts: 0,
      target: 'https://app.example.com/batches',
    });
    expect(JSON.stringify(batch)).not.toContain('app-secret');
  });

  it('ends a batch of replays at once and queues its batch.completed callback', async () => {
    await post('/v1/edits', rendition(1, { idempotencyKey: 'r-1' })).expect(201);
    const created = await post('/v1/edits:batch', {
      jobs: [rendition(1, { idempotencyKey: 'r-1' })],
      callback: { url: 'https://app.example.com/batches' },
    }).expect(201);
    const { batchId, members, results } = bodyOf<BatchEnqueueResult>(created);
    expect(members).toBe(0);
    expect(results[0]?.duplicate).toBe(true);
    const batch = await batchOf(`/v1/batches/${batchId}`);
    expect(batch).toMatchObject({ total: 0, done: true });
    expect(batch.callback).toMatchObject({ state: 'pending', type: 'batch.completed' });
  });

  it('refuses a bad batch callback with 400 naming callback.url, and enqueues nothing', async () => {
    const res = await post('/v1/edits:batch', {
      jobs: [rendition(1)],
      callback: { url: 'http://app.example.com/batches' },
    }).expect(400);
    expect(errorOf(res).issues).toEqual([
      { path: 'callback.url', rule: 'https', message: expect.any(String) as string },
    ]);
    expect(errorOf(res).detail).toMatch(/^nothing was enqueued/);
    expect((await api.edits.counts()).waiting).toBe(0);
  });

  it('answers 404 for an unknown batch, whatever its shape', async () => {
    for (const id of ['meta', 'batch-00000000000000000000000000000000', 'x'.repeat(300)]) {
      const res = await request(api.server).get(`/v1/batches/${id}`).set(auth).expect(404);
      expect(errorOf(res).code).toBe('not_found');
    }
  });

  it('describes batches and the Location headers in the OpenAPI document', async () => {
    const res = await request(api.server).get('/openapi.json').set(auth).expect(200);
    const doc = bodyOf<OpenApiDoc>(res);
    expect(doc.paths['/v1/batches/{id}']?.get?.responses['200']).toBeDefined();
    expect(doc.paths['/v1/batches/{id}']?.get?.responses['404']).toBeDefined();
    expect(doc.paths['/v1/edits']?.post?.responses['201']?.headers).toHaveProperty('Location');
    expect(doc.paths['/v1/edits:batch']?.post?.responses['201']?.headers).toHaveProperty(
      'Location',
    );
    expect(Object.keys(doc.components.schemas.BatchStatus?.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'total', 'counts', 'done', 'ended', 'callback']),
    );
    expect(doc.components.schemas.EditJobStatus?.properties).toHaveProperty('batchId');
  });
});
