import request from 'supertest';
import { UnrecoverableError } from 'bullmq';
import { guardAgainstLeaks, redisClient, waitFor } from '@darkroom/testing';
import { cancelKey, type EditJobStatus, type EnqueueResult } from '@darkroom/jobs';
import { operationIds } from '@darkroom/photoshop';
import { jobIdForKey } from '../src';
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

interface OpenApiDoc {
  openapi: string;
  paths: Record<
    string,
    {
      post: {
        requestBody: {
          content: Record<string, { schema: { properties: { jobs: { maxItems: number } } } }>;
        };
      };
    }
  >;
  components: {
    schemas: Record<string, { oneOf?: { $ref: string }[]; properties?: Record<string, unknown> }>;
  };
}

describe('createServer edit routes', () => {
  let api: ApiHarness;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    api = await startApi({ maxBatch: 5, bodyLimit: '8kb', eventsIntervalMs: 200 });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await api.close();
  });
  const post = (path: string) => request(api.server).post(path).set(auth);

  it('enqueues one job (201), replays its idempotency key (200) and refuses a different body (409)', async () => {
    const body = rendition(1, { idempotencyKey: 'order-77' });
    const first = await post('/v1/edits').send(body).expect(201);
    const firstBody = bodyOf<EnqueueResult>(first);
    expect(firstBody).toEqual({ id: jobIdForKey('order-77'), duplicate: false });
    const again = await post('/v1/edits').send(body).expect(200);
    expect(again.body).toEqual({ id: firstBody.id, duplicate: true });
    const other = await post('/v1/edits')
      .send(rendition(2, { idempotencyKey: 'order-77' }))
      .expect(409);
    expect(errorOf(other).code).toBe('idempotency_conflict');
    expect((await api.edits.counts()).waiting).toBe(1);
  });

  it('answers 400 naming every bad field and its rule', async () => {
    const res = await post('/v1/edits')
      .send({
        operation: 'renditionCreate',
        input: 'https://example.com/a.psd',
        outputs: [{ ref: 's3://Bad_Bucket/x.jpg', type: 'image/jpeg' }],
        priority: 0,
        surprise: true,
      })
      .expect(400);
    expect(errorOf(res).code).toBe('invalid_request');
    const paths = (errorOf(res).issues as { path: string; rule: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['input', 'outputs[0].ref', 'priority', '']));
    for (const issue of errorOf(res).issues) expect(issue.rule).toEqual(expect.any(String));
    expect((await api.edits.counts()).waiting).toBe(0);
  });

  it('answers 400 invalid_json, 413 for oversized bodies, 415 for other media types', async () => {
    const bad = await post('/v1/edits')
      .set('content-type', 'application/json')
      .send('{"operation": ');
    expect(bad.status).toBe(400);
    expect(errorOf(bad)).toMatchObject({
      code: 'invalid_json',
      issues: [{ rule: 'invalid_json' }],
    });
    expect(JSON.stringify(bad.body)).not.toContain('operation');

    const huge = await post('/v1/edits').send({
      ...rendition(),
      options: { pad: 'x'.repeat(9000) },
    });
    expect(huge.status).toBe(413);
    expect(errorOf(huge).code).toBe('payload_too_large');

    const form = await post('/v1/edits').set('content-type', 'text/plain').send('operation=x');
    expect(form.status).toBe(415);
    expect(errorOf(form).code).toBe('unsupported_media_type');
    const empty = await post('/v1/edits');
    expect(empty.status).toBe(400);
    expect(errorOf(empty).issues[0]?.rule).toBe('required');
  });

  it('404s unknown routes and methods as JSON', async () => {
    const res = await request(api.server).put('/v1/edits').set(auth).expect(404);
    expect(errorOf(res).code).toBe('not_found');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('enqueues a batch whole, and refuses over-cap, invalid or conflicting batches whole', async () => {
    const ok = await post('/v1/edits:batch')
      .send({ jobs: [rendition(1), rendition(2, { idempotencyKey: 'k-2' })] })
      .expect(201);
    expect(bodyOf<{ results: EnqueueResult[] }>(ok).results).toEqual([
      { id: expect.any(String) as string, duplicate: false },
      { id: jobIdForKey('k-2'), duplicate: false },
    ]);
    expect((await api.edits.counts()).waiting).toBe(2);

    const tooMany = await post('/v1/edits:batch')
      .send({ jobs: Array.from({ length: 6 }, (_, i) => rendition(i)) })
      .expect(400);
    expect(errorOf(tooMany).issues).toEqual([
      { path: 'jobs', rule: 'too_big', message: expect.stringContaining('at most 5') as string },
    ]);

    const invalid = await post('/v1/edits:batch')
      .send({
        jobs: [rendition(3), { ...rendition(4), outputs: [] }, rendition(5, { priority: -1 })],
      })
      .expect(400);
    expect(errorOf(invalid).issues.map((i) => i.path)).toEqual([
      'jobs[1].outputs',
      'jobs[2].priority',
    ]);

    const conflicting = await post('/v1/edits:batch')
      .send({ jobs: [rendition(6), rendition(7, { idempotencyKey: 'k-2' })] })
      .expect(409);
    expect(errorOf(conflicting).issues).toEqual([
      expect.objectContaining({ path: 'jobs[1].idempotencyKey', rule: 'idempotency_conflict' }),
    ]);
    const inside = await post('/v1/edits:batch')
      .send({
        jobs: [rendition(8, { idempotencyKey: 'k-9' }), rendition(9, { idempotencyKey: 'k-9' })],
      })
      .expect(409);
    expect(errorOf(inside).issues[0]?.path).toBe('jobs[1].idempotencyKey');

    const replay = await post('/v1/edits:batch')
      .send({ jobs: [rendition(2, { idempotencyKey: 'k-2' })] })
      .expect(201);
    expect(bodyOf<{ results: EnqueueResult[] }>(replay).results).toEqual([
      { id: jobIdForKey('k-2'), duplicate: true },
    ]);
    expect((await api.edits.counts()).waiting).toBe(2);

    await post('/v1/edits:batch').send({ jobs: [] }).expect(400);
    await post('/v1/edits:batch').send([rendition()]).expect(400);
  });

  it('reads a job and 404s an unknown one; rejects a bad wait', async () => {
    const body = bodyOf<EnqueueResult>(
      await post('/v1/edits')
        .send(rendition(1, { account: 'acme' }))
        .expect(201),
    );
    const res = await request(api.server).get(`/v1/edits/${body.id}`).set(auth).expect(200);
    expect(bodyOf<EditJobStatus>(res)).toMatchObject({
      id: body.id,
      state: 'waiting',
      step: 'submit',
      polls: 0,
      account: 'acme',
    });
    const missing = await request(api.server).get('/v1/edits/nope').set(auth).expect(404);
    expect(errorOf(missing).code).toBe('not_found');
    for (const wait of ['61', '-1', 'soon']) {
      const bad = await request(api.server)
        .get(`/v1/edits/${body.id}?wait=${wait}`)
        .set(auth)
        .expect(400);
      expect(errorOf(bad).issues).toEqual([
        expect.objectContaining({ path: 'wait', rule: 'range' }),
      ]);
    }
  });

  it('cancels: 202 cancelled (the job stays, to end failed); 409 for a finished job', async () => {
    const body = bodyOf<EnqueueResult>(await post('/v1/edits').send(rendition()).expect(201));
    const res = await request(api.server).delete(`/v1/edits/${body.id}`).set(auth).expect(202);
    expect(bodyOf<unknown>(res)).toEqual({ id: body.id, outcome: 'cancelled' });
    await request(api.server).get(`/v1/edits/${body.id}`).set(auth).expect(200);
    await request(api.server).delete('/v1/edits/no-such-job').set(auth).expect(404);

    const done = {
      body: bodyOf<EnqueueResult>(await post('/v1/edits').send(rendition(2)).expect(201)),
    };
    const worker = startWorker(api.edits, () =>
      Promise.resolve(fakeResult('s3://darkroom-out/a.jpg')),
    );
    cleanups.push(() => worker.close());
    await waitFor(async () => (await api.edits.get(done.body.id))?.state === 'completed');
    const late = await request(api.server)
      .delete(`/v1/edits/${done.body.id}`)
      .set(auth)
      .expect(409);
    expect(errorOf(late).code).toBe('already_finished');
  });

  it('retries a failed job (202), and refuses one that is not failed (409 not_failed) or unknown (404)', async () => {
    const body = bodyOf<EnqueueResult>(await post('/v1/edits').send(rendition()).expect(201));
    const waiting = await request(api.server).post(`/v1/edits/${body.id}:retry`).set(auth);
    expect(waiting.status).toBe(409);
    expect(errorOf(waiting)).toMatchObject({
      code: 'not_failed',
      instance: `/v1/edits/${body.id}:retry`,
    });
    expect(errorOf(await request(api.server).post('/v1/edits/nope:retry').set(auth)).code).toBe(
      'not_found',
    );

    let outcome: () => Promise<ReturnType<typeof fakeResult>> = () =>
      Promise.reject(new UnrecoverableError('remote_failed: the input is corrupt'));
    const worker = startWorker(api.edits, () => outcome());
    cleanups.push(() => worker.close());
    await waitFor(async () => (await api.edits.get(body.id))?.state === 'failed');
    outcome = () => Promise.resolve(fakeResult('s3://darkroom-out/a.jpg'));
    const retried = await request(api.server).post(`/v1/edits/${body.id}:retry`).set(auth);
    expect(retried.status).toBe(202);
    expect(bodyOf<{ id: string; state: string }>(retried).id).toBe(body.id);
    await waitFor(async () => (await api.edits.get(body.id))?.state === 'completed');
  });

  it('cancels a running job by request (202 requested)', async () => {
    const body = bodyOf<EnqueueResult>(await post('/v1/edits').send(rendition()).expect(201));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const worker = startWorker(api.edits, async () => {
      await gate;
      return fakeResult('s3://darkroom-out/a.jpg');
    });
    cleanups.push(async () => {
      release();
      await worker.close();
    });
    await waitFor(async () => (await api.edits.get(body.id))?.state === 'active');
    const res = await request(api.server).delete(`/v1/edits/${body.id}`).set(auth).expect(202);
    expect(bodyOf<unknown>(res)).toEqual({ id: body.id, outcome: 'requested' });
    // The request is a key beside the queue, which obliterate does not remove.
    const redis = redisClient();
    const key = cancelKey(api.edits.prefix, api.edits.queueName, body.id);
    expect(await redis.del(key)).toBe(1);
    await redis.quit();
  });

  it('ends an event stream with `gone` when the job is removed', async () => {
    const body = bodyOf<EnqueueResult>(await post('/v1/edits').send(rendition()).expect(201));
    const res = await fetch(`${api.url}/v1/edits/${body.id}/events`, { headers: auth });
    const text = res.text();
    await waitFor(async () => (await api.edits.queue.getQueueEvents()).length > 0);
    await (await api.edits.queue.getJob(body.id))?.remove();
    const stream = await text;
    expect(stream).toMatch(/^event: status$/m);
    expect(stream).toMatch(/event: gone\ndata: \{"id":"[^"]+","message":"the job was removed"\}/);
  });

  it('long-polls: answers at the timeout with the current state, and as soon as the job completes', async () => {
    const body = bodyOf<EnqueueResult>(await post('/v1/edits').send(rendition()).expect(201));
    const started = Date.now();
    const timedOut = await request(api.server)
      .get(`/v1/edits/${body.id}?wait=1`)
      .set(auth)
      .expect(200);
    expect(bodyOf<EditJobStatus>(timedOut).state).toBe('waiting');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const pending = request(api.server)
      .get(`/v1/edits/${body.id}?wait=30`)
      .set(auth)
      .then((r) => r);
    const worker = startWorker(api.edits, () =>
      Promise.resolve(fakeResult('s3://darkroom-out/a.jpg')),
    );
    cleanups.push(() => worker.close());
    const done = await pending;
    expect(done.status).toBe(200);
    expect(bodyOf<EditJobStatus>(done)).toMatchObject({
      state: 'completed',
      result: { outputs: [{ ref: 's3://darkroom-out/a.jpg', size: 1234 }] },
    });
  });

  it('long-polls a failing job to its failure reason', async () => {
    const body = bodyOf<EnqueueResult>(await post('/v1/edits').send(rendition()).expect(201));
    const pending = request(api.server)
      .get(`/v1/edits/${body.id}?wait=30`)
      .set(auth)
      .then((r) => r);
    const worker = startWorker(api.edits, () =>
      Promise.reject(new UnrecoverableError('remote_failed: Adobe said the input is corrupt')),
    );
    cleanups.push(() => worker.close());
    const done = await pending;
    expect(bodyOf<EditJobStatus>(done)).toMatchObject({
      state: 'failed',
      failure: { reason: 'remote_failed', message: 'Adobe said the input is corrupt' },
    });
  });

  it('streams server-sent events until the job completes', async () => {
    const body = bodyOf<EnqueueResult>(await post('/v1/edits').send(rendition()).expect(201));
    const res = await fetch(`${api.url}/v1/edits/${body.id}/events`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = res.text();
    const worker = startWorker(api.edits, () =>
      Promise.resolve(fakeResult('s3://darkroom-out/a.jpg')),
    );
    cleanups.push(() => worker.close());
    const events = (await text)
      .split('\n\n')
      .filter((block) => block.includes('event: '))
      .map((block) => ({
        event: /event: (.*)/.exec(block)?.[1],
        data: JSON.parse(/data: (.*)/.exec(block)?.[1] ?? 'null') as { state: string },
      }));
    expect(events[0]).toMatchObject({ event: 'status', data: { state: 'waiting' } });
    expect(events.at(-2)).toMatchObject({ event: 'status', data: { state: 'completed' } });
    expect(events.at(-1)).toEqual({ event: 'end', data: { id: body.id, state: 'completed' } });
  });

  it('describes every route in an OpenAPI 3.1 document', async () => {
    const res = await request(api.server).get('/openapi.json').expect(200);
    const doc = bodyOf<OpenApiDoc>(res);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/edits',
        '/v1/edits:batch',
        '/v1/edits/{id}',
        '/v1/edits/{id}/events',
        '/healthz',
        '/readyz',
        '/openapi.json',
      ]),
    );
    expect(doc.components.schemas.EditJob?.oneOf).toContainEqual({
      $ref: '#/components/schemas/EditJob.renditionCreate',
    });
    // One schema per operation of the catalog, the oneOf discriminated by `operation`.
    expect(doc.components.schemas.EditJob?.oneOf).toEqual(
      operationIds.map((id) => ({ $ref: `#/components/schemas/EditJob.${id}` })),
    );
    expect(doc.components.schemas['EditJob.renditionCreate']?.properties?.operation).toEqual({
      type: 'string',
      const: 'renditionCreate',
    });
    expect(
      doc.paths['/v1/edits:batch']?.post.requestBody.content['application/json']?.schema.properties
        .jobs.maxItems,
    ).toBe(5);
  });
});
