import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { freePort, guardAgainstLeaks } from '@darkroom/testing';
import { auth, errorOf, rendition, startApi, type ApiHarness } from './support/api-harness';

/** Shaped like a Darkroom job id, so the routes have to ask Redis about it. */
const SOME_ID = randomUUID();

guardAgainstLeaks();

describe('createServer with Redis unreachable', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ connection: `redis://127.0.0.1:${await freePort()}` });
  });
  afterAll(() => api.close());

  const calls: [string, () => request.Test][] = [
    ['POST /v1/edits', () => request(api.server).post('/v1/edits').set(auth).send(rendition())],
    [
      'POST /v1/edits:batch',
      () =>
        request(api.server)
          .post('/v1/edits:batch')
          .set(auth)
          .send({ jobs: [rendition(1), rendition(2, { idempotencyKey: 'k' })] }),
    ],
    ['GET /v1/edits/:id', () => request(api.server).get(`/v1/edits/${SOME_ID}`).set(auth)],
    [
      'GET /v1/edits/:id?wait',
      () => request(api.server).get(`/v1/edits/${SOME_ID}?wait=5`).set(auth),
    ],
    ['DELETE /v1/edits/:id', () => request(api.server).delete(`/v1/edits/${SOME_ID}`).set(auth)],
  ];

  it.each(calls)('%s answers 503 redis_unavailable in about a second', async (_name, call) => {
    const started = Date.now();
    const res = await call();
    // The producer connection gives up after 1 s; the bound leaves room for a busy machine but
    // fails a request that would hang on an offline queue.
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('redis_unavailable');
  });

  it('answers /readyz 503 and /healthz 200', async () => {
    await request(api.server).get('/healthz').expect(200);
    const res = await request(api.server).get('/readyz').expect(503);
    expect(errorOf(res).code).toBe('redis_unavailable');
  });

  it('still answers 400 for an invalid job (validation needs no Redis)', async () => {
    const res = await request(api.server).post('/v1/edits').set(auth).send({ operation: 'nope' });
    expect(res.status).toBe(400);
  });
});
