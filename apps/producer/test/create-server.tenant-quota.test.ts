import { parseTenantConfig } from '@darkroom/jobs';
import { guardAgainstLeaks } from '@darkroom/testing';
import request from 'supertest';
import { auth, rendition, startApi, type ApiHarness } from './support/api-harness';

guardAgainstLeaks();

describe('POST /v1/edits with tenant quotas', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({
      tenants: parseTenantConfig(JSON.stringify({ acme: { maxPerDay: 3 }, '*': { weight: 1 } })),
    });
  });
  afterAll(() => api.close());

  it("refuses the edit past a tenant's daily quota with 429, Retry-After and the quota named, and leaves others alone", async () => {
    const batch = await request(api.url)
      .post('/v1/edits:batch')
      .set(auth)
      .send({ jobs: [rendition(1, { tenant: 'acme' }), rendition(2, { tenant: 'acme' })] });
    expect(batch.status).toBe(201);

    // Two more do not fit in the one place left: the whole batch is refused, nothing counted.
    const over = await request(api.url)
      .post('/v1/edits:batch')
      .set(auth)
      .send({ jobs: [rendition(3, { tenant: 'acme' }), rendition(4, { tenant: 'acme' })] });
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    const error = JSON.parse(over.text) as Record<string, unknown>;
    expect(error).toMatchObject({
      code: 'quota_exceeded',
      quota: 'maxPerDay',
      tenant: 'acme',
      limit: 3,
    });
    expect(new Date(error.resetAt as string).getUTCHours()).toBe(0);

    const last = await request(api.url)
      .post('/v1/edits')
      .set(auth)
      .send(rendition(5, { tenant: 'acme' }));
    expect(last.status).toBe(201);
    const again = await request(api.url)
      .post('/v1/edits')
      .set(auth)
      .send(rendition(6, { tenant: 'acme' }));
    expect(again.status).toBe(429);

    // Another tenant, and edits without one, have no quota.
    const other = await request(api.url)
      .post('/v1/edits')
      .set(auth)
      .send(rendition(7, { tenant: 'shop' }));
    expect(other.status).toBe(201);
    expect((await api.edits.counts()).waiting).toBe(4);
  });
});
