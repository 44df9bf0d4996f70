import request from 'supertest';
import { guardAgainstLeaks } from '@darkroom/testing';
import {
  TOKEN,
  auth,
  bodyOf,
  errorOf,
  rendition,
  startApi,
  type ApiHarness,
} from './support/api-harness';

guardAgainstLeaks();

describe('createServer bearer auth', () => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  const routes: { method: 'get' | 'post' | 'delete'; path: string; body?: unknown; ok: number }[] =
    [
      { method: 'post', path: '/v1/edits', body: rendition(), ok: 201 },
      { method: 'post', path: '/v1/edits:batch', body: { jobs: [rendition()] }, ok: 201 },
      { method: 'get', path: '/v1/edits/missing', ok: 404 },
      { method: 'get', path: '/v1/edits/missing?wait=1', ok: 404 },
      { method: 'get', path: '/v1/edits/missing/events', ok: 404 },
      { method: 'delete', path: '/v1/edits/missing', ok: 404 },
      { method: 'post', path: '/v1/edits/missing:retry', ok: 404 },
      { method: 'get', path: '/v1/usage', ok: 200 },
      { method: 'get', path: '/no/such/route', ok: 404 },
    ];

  it.each(routes)(
    '$method $path: 401 without a token, with a wrong one; served with a right one',
    async (route) => {
      const send = (headers: Record<string, string>) => {
        const req = request(api.server)[route.method](route.path).set(headers);
        return route.body === undefined ? req : req.send(route.body as object);
      };
      const refused: Record<string, string>[] = [
        {},
        { Authorization: 'Bearer wrong-token' },
        { Authorization: `Bearer ${TOKEN}x` },
        { Authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` },
        { Authorization: TOKEN },
      ];
      for (const headers of refused) {
        const res = await send(headers);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(errorOf(res)).toEqual({
          type: 'https://darkroom.dev/problems/unauthorized',
          title: 'Missing or unknown bearer token',
          status: 401,
          detail: expect.any(String) as string,
          instance: route.path.split('?')[0],
          code: 'unauthorized',
          issues: [],
        });
      }
      expect((await send(auth)).status).toBe(route.ok);
      expect((await send({ Authorization: 'bearer second-token' })).status).toBe(route.ok);
      // Nothing was enqueued by the refused requests.
      const counts = await api.edits.counts();
      expect(counts.waiting).toBe(route.ok === 201 ? 2 : 0);
    },
  );

  it('serves /healthz, /readyz and the OpenAPI document without a token, and no /metrics', async () => {
    await request(api.server).get('/healthz').expect(200, { status: 'ok' });
    await request(api.server).get('/readyz').expect(200, { status: 'ready' });
    const doc = await request(api.server).get('/openapi.json').expect(200);
    expect(bodyOf<{ openapi: string }>(doc).openapi).toBe('3.1.0');
    // Metrics are served on a port of their own (startProducer's PRODUCER_METRICS_PORT).
    expect((await request(api.server).get('/metrics')).status).toBe(401);
  });

  it('echoes or generates a request id and logs one line per request without secrets', async () => {
    const echoed = await request(api.server).get('/healthz').set('x-request-id', 'abc-123');
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const generated = await request(api.server)
      .post('/v1/edits')
      .set(auth)
      .send(rendition(1, { idempotencyKey: 'secret-looking-body-value' }));
    const id = generated.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // A forged id (with a newline) is replaced, not echoed.
    const forged = await request(api.server).get('/healthz').set('x-request-id', 'a b');
    expect(forged.headers['x-request-id']).not.toBe('a b');
    const refused = await request(api.server).get('/v1/usage').set('x-request-id', 'refused-1');

    expect(refused.status).toBe(401);
    const lines = api.logs.filter((l) => l.msg === 'request');
    expect(lines.map((l) => l.requestId)).toEqual(
      expect.arrayContaining(['abc-123', id, forged.headers['x-request-id'], 'refused-1']),
    );
    expect(lines.find((l) => l.requestId === id)).toMatchObject({
      method: 'POST',
      path: '/v1/edits',
      status: 201,
    });
    expect(lines.find((l) => l.requestId === 'refused-1')).toMatchObject({
      status: 401,
      errorCode: 'unauthorized',
    });
    const text = JSON.stringify(api.logs);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('secret-looking-body-value');
    expect(text).not.toContain('darkroom-in');
    for (const line of api.logs) expect(line.requestId).toEqual(expect.any(String));
  });
});
