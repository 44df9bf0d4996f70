import request from 'supertest';
import { UnrecoverableError } from 'bullmq';
import { freePort, guardAgainstLeaks, waitFor } from '@darkroom/testing';
import type { EditJobStatus, EnqueueResult } from '@darkroom/jobs';
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

interface Page {
  items: EditJobStatus[];
  cursor?: string;
}

interface ListOperation {
  parameters: { name: string; schema: Record<string, unknown> }[];
  responses: Record<string, unknown>;
}

describe('GET /v1/edits: list and search', () => {
  let api: ApiHarness;
  const id: Record<string, string> = {};
  const get = (query: string) => request(api.server).get(`/v1/edits${query}`).set(auth);
  const page = async (query: string) => bodyOf<Page>(await get(query).expect(200));

  beforeAll(async () => {
    api = await startApi();
    const post = (body: Record<string, unknown>) =>
      request(api.server).post('/v1/edits').set(auth).send(body).expect(201);
    const edits: [string, Record<string, unknown>][] = [
      ['done', rendition(1, { tenant: 'shop-a' })],
      ['fail', rendition(2, { tenant: 'shop-b', input: 's3://darkroom-in/fail.psd' })],
      ['tone', { ...rendition(3), operation: 'autoTone', account: 'acme' }],
    ];
    for (const [name, body] of edits) id[name] = bodyOf<EnqueueResult>(await post(body)).id;
    const worker = startWorker(api.edits, (job) => {
      const data = job.data as { request: { input: string } };
      return data.request.input.includes('fail')
        ? Promise.reject(new UnrecoverableError('remote_failed: corrupt input'))
        : Promise.resolve(fakeResult('s3://darkroom-out/x.jpg'));
    });
    try {
      await waitFor(async () => {
        const counts = await api.edits.counts();
        return counts.completed === 2 && counts.failed === 1;
      });
    } finally {
      await worker.close();
    }
    id.waiting = bodyOf<EnqueueResult>(await post(rendition(4, { tenant: 'shop-a' }))).id;
  });
  afterAll(() => api.close());

  it('lists every edit, not ended first, in the shape GET /v1/edits/{id} has', async () => {
    const { items, cursor } = await page('');
    expect(cursor).toBeUndefined();
    expect(items.map((i) => i.id)[0]).toBe(id.waiting);
    expect(items.map((i) => i.id).sort()).toEqual(Object.values(id).sort());
    for (const item of items) {
      const one = await request(api.server).get(`/v1/edits/${item.id}`).set(auth).expect(200);
      expect(item).toEqual(one.body);
    }
  });

  it('filters by state, tenant, operation, account and since', async () => {
    const found = async (query: string) => (await page(query)).items.map((i) => i.id).sort();
    expect(await found('?state=failed')).toEqual([id.fail]);
    expect(await found('?state=waiting,failed')).toEqual([id.waiting, id.fail].sort());
    expect(await found('?tenant=shop-a')).toEqual([id.done, id.waiting].sort());
    expect(await found('?tenant=default')).toEqual([id.tone]);
    expect(await found('?operation=autoTone')).toEqual([id.tone]);
    expect(await found('?account=acme&state=completed')).toEqual([id.tone]);
    expect(await found(`?since=${encodeURIComponent(new Date().toISOString())}`)).toEqual([]);
    expect(await found('?since=1h')).toHaveLength(4);
  });

  it('pages with limit and cursor through every edit once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const next = await page(`?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(next.items.length).toBeLessThanOrEqual(1);
      seen.push(...next.items.map((i) => i.id));
      cursor = next.cursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen).toEqual((await page('')).items.map((i) => i.id));
  });

  it('answers 400 naming the parameter and the rule, for bad, unknown or repeated parameters', async () => {
    const refused = async (query: string) => {
      const res = await get(query).expect(400);
      const { code, issues } = errorOf(res);
      expect(code).toBe('invalid_request');
      return issues.map(({ path, rule }) => ({ path, rule }));
    };
    expect(await refused('?state=done')).toEqual([{ path: 'state', rule: 'enum' }]);
    expect(await refused('?limit=0')).toEqual([{ path: 'limit', rule: 'range' }]);
    expect(await refused('?limit=501')).toEqual([{ path: 'limit', rule: 'range' }]);
    expect(await refused('?since=soon')).toEqual([{ path: 'since', rule: 'format' }]);
    expect(await refused('?tenant=a&tenant=b')).toEqual([{ path: 'tenant', rule: 'format' }]);
    expect(await refused('?operation=paint')).toEqual([{ path: 'operation', rule: 'enum' }]);
    expect(await refused('?status=failed')).toEqual([{ path: 'status', rule: 'unknown' }]);
    expect(await refused('?cursor=garbage')).toEqual([{ path: 'cursor', rule: 'format' }]);
    const { cursor } = await page('?limit=1&tenant=shop-a');
    expect(
      await refused(`?limit=1&tenant=shop-b&cursor=${encodeURIComponent(cursor ?? '')}`),
    ).toEqual([{ path: 'cursor', rule: 'query_mismatch' }]);
  });

  it('is in the OpenAPI document with every parameter it reads', async () => {
    const res = await request(api.server).get('/openapi.json').set(auth).expect(200);
    const doc = bodyOf<{ paths: Record<string, { get?: ListOperation; post?: unknown }> }>(res);
    const list = doc.paths['/v1/edits']?.get;
    expect(doc.paths['/v1/edits']?.post).toBeDefined();
    const names = (list?.parameters ?? []).map((p) => p.name);
    expect(names.sort()).toEqual(
      ['account', 'adobeJobId', 'cursor', 'limit', 'operation', 'since', 'state', 'tenant'].sort(),
    );
    expect(Object.keys(list?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '503']),
    );
    // Every documented parameter is read: none of them is refused as unknown.
    for (const name of names) {
      const res = await get(`?${name}=x`);
      const rules = res.status === 400 ? errorOf(res).issues.map((i) => i.rule) : [];
      expect(rules).not.toContain('unknown');
    }
  });
});

describe('GET /v1/edits with Redis unreachable', () => {
  it('answers 503 redis_unavailable in about a second', async () => {
    const api = await startApi({ connection: `redis://127.0.0.1:${await freePort()}` });
    try {
      const started = Date.now();
      const res = await request(api.server).get('/v1/edits?state=failed').set(auth);
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(res.status).toBe(503);
      expect(errorOf(res).code).toBe('redis_unavailable');
    } finally {
      await api.close();
    }
  });
});
