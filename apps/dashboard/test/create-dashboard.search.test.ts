import { guardAgainstLeaks, redisUrl } from '@darkroom/testing';
import { createDashboard, SEARCH_PAGE_CSP, type Dashboard, type QueueMatches } from '../src';
import { PREFIX, darkroomJobData, seedQueue, type SeededQueue } from './seed-queue';

guardAgainstLeaks();

const VIEWER = { user: 'viv', pass: 'viewer-pass' };
const basic = (who: { user: string; pass: string }): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(`${who.user}:${who.pass}`).toString('base64')}`,
});
const ADOBE_A = 'f1d2c3b4-0000-4aaa-8bbb-000000000001';
const ADOBE_EARLIER = 'f1d2c3b4-0000-4aaa-8bbb-000000000002';
const ADOBE_B = 'f1d2c3b4-0000-4aaa-8bbb-000000000003';
const FAILURE = 'remote_failed: Adobe job f1d2c3b4 failed: InputValidationError 400 <bad input>';

describe('createDashboard edit search', () => {
  let seeded: SeededQueue;
  let dashboard: Dashboard;
  let url: string;

  beforeAll(async () => {
    seeded = await seedQueue([
      { name: 'acme-done', data: darkroomJobData({ tenant: 'acme', remoteJobId: ADOBE_A }) },
      {
        name: 'acme-failed',
        data: darkroomJobData({
          tenant: 'acme',
          remoteJobId: ADOBE_B,
          earlierRemoteJobIds: [ADOBE_EARLIER],
          retries: 1,
        }),
        failWith: FAILURE,
      },
      { name: 'globex', data: darkroomJobData({ tenant: 'globex', remoteJobId: 'other-job' }) },
      { name: 'no-tenant', data: darkroomJobData({ remoteJobId: 'untenanted-job' }) },
    ]);
    dashboard = createDashboard({
      redis: redisUrl(),
      queues: [seeded.name],
      prefix: PREFIX,
      basePath: '/ops',
      auth: {
        mode: 'basic',
        users: [{ username: VIEWER.user, password: VIEWER.pass, role: 'viewer' }],
      },
    });
    ({ url } = await dashboard.listen(0));
  });

  afterAll(async () => {
    await (dashboard as Dashboard | undefined)?.close();
    await (seeded as SeededQueue | undefined)?.close();
  });

  // Ids in seeding order, read once the queue is seeded.
  const acmeDone = (): string => seeded.ids[0] ?? '';
  const acmeFailed = (): string => seeded.ids[1] ?? '';
  const globex = (): string => seeded.ids[2] ?? '';
  const noTenant = (): string => seeded.ids[3] ?? '';

  const searchJson = async (query: string): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${url}search.json?${query}`, { headers: basic(VIEWER) });
    return { status: res.status, body: await res.json() };
  };
  const idsOf = (body: unknown): (string | undefined)[] =>
    (body as { queues: QueueMatches[] }).queues.flatMap((q) => q.items.map((i) => i.id));

  it('finds the edits of a tenant, and those without one as tenant default', async () => {
    const acme = await searchJson('tenant=acme');
    expect(acme.status).toBe(200);
    expect(new Set(idsOf(acme.body))).toEqual(new Set([acmeDone(), acmeFailed()]));
    expect(idsOf((await searchJson('tenant=default')).body)).toEqual([noTenant()]);
    expect(idsOf((await searchJson('tenant=nobody')).body)).toEqual([]);
  });

  it("finds an edit by its Adobe job id, this round's or an earlier one's", async () => {
    expect(idsOf((await searchJson(`adobeJobId=${ADOBE_A}`)).body)).toEqual([acmeDone()]);
    expect(idsOf((await searchJson(`adobeJobId=${ADOBE_EARLIER}`)).body)).toEqual([acmeFailed()]);
    const both = await searchJson(`tenant=globex&adobeJobId=${ADOBE_A}`);
    expect(idsOf(both.body)).toEqual([]);
  });

  it('narrows by state and pages through a queue with its cursor', async () => {
    const failed = await searchJson('tenant=acme&state=failed');
    const [queue] = (failed.body as { queues: QueueMatches[] }).queues;
    expect(queue?.items).toHaveLength(1);
    expect(queue?.items[0]).toMatchObject({
      id: acmeFailed(),
      state: 'failed',
      tenant: 'acme',
      failure: { reason: 'remote_failed' },
    });

    const seen: (string | undefined)[] = [];
    let next = `limit=1&queue=${encodeURIComponent(seeded.name)}`;
    for (let page = 0; page < 10; page += 1) {
      const { body } = await searchJson(next);
      const [only] = (body as { queues: QueueMatches[] }).queues;
      seen.push(...(only?.items.map((i) => i.id) ?? []));
      if (!only?.cursor) break;
      next = `limit=1&queue=${encodeURIComponent(seeded.name)}&cursor=${only.cursor}`;
    }
    expect(new Set(seen)).toEqual(new Set([acmeDone(), acmeFailed(), globex(), noTenant()]));
    expect(seen).toHaveLength(4);
  });

  it('answers bad input 400 naming the field and the rule', async () => {
    const cases: [string, string, string][] = [
      ['tenant=not%20a%20tenant!', 'tenant', 'format'],
      ['state=sleeping', 'state', 'enum'],
      ['tenant=acme&tenant=globex', 'tenant', 'format'],
      ['queue=elsewhere', 'queue', 'enum'],
      ['limit=100000', 'limit', 'range'],
      [`queue=${encodeURIComponent(seeded.name)}&cursor=not-a-cursor`, 'cursor', 'format'],
    ];
    for (const [query, field, rule] of cases) {
      const { status, body } = await searchJson(query);
      const reply = body as { message?: string };
      expect({ query, status, body }).toMatchObject({
        query,
        status: 400,
        body: { error: 'invalid_query', field, rule },
      });
      expect(reply.message).toContain(field);
    }
    const page = await fetch(`${url}search?state=sleeping`, { headers: basic(VIEWER) });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('state must be one or more of');
  });

  it('serves a form and linked results under a CSP without script', async () => {
    const res = await fetch(`${url}search?tenant=acme`, { headers: basic(VIEWER) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(SEARCH_PAGE_CSP);
    expect(SEARCH_PAGE_CSP).toContain("form-action 'self'");
    expect(SEARCH_PAGE_CSP).not.toMatch(/script-src|unsafe-inline/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).not.toContain('<script');
    expect(html).toContain('<form method="get" action="/ops/search">');
    expect(html).toContain('name="tenant" value="acme"');
    const board = `/ops/queue/${encodeURIComponent(seeded.name)}`;
    expect(html).toContain(`<a href="${board}/${acmeDone()}">${acmeDone()}</a>`);
    expect(html).toContain(`<a href="${board}/${acmeFailed()}">${acmeFailed()}</a>`);
    expect(html).not.toContain(globex());
    // The failure's message is text, not markup.
    expect(html).toContain('InputValidationError 400 &lt;bad input&gt;');
    expect(html).toContain(`${ADOBE_B}, ${ADOBE_EARLIER}`);
    expect(html).not.toContain('planted0sig1');
  });

  it('refuses both forms without valid credentials', async () => {
    for (const path of ['search?tenant=acme', 'search.json?tenant=acme']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('acme');
    }
  });
});
