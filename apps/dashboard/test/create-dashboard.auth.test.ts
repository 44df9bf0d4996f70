import crypto from 'node:crypto';
import { guardAgainstLeaks, redisUrl } from '@darkroom/testing';
import request from 'supertest';
import { createDashboard, type Dashboard } from '../src';
import { PREFIX, darkroomJobData, seedQueue, type SeededQueue } from './seed-queue';

guardAgainstLeaks();

const VIEWER = { user: 'viv', pass: 'viewer-pass:with-colon' };
const ADMIN = { user: 'ada', pass: 'admin-pass' };

describe('createDashboard authentication and roles (basic)', () => {
  let seeded: SeededQueue;
  let dashboard: Dashboard;

  beforeAll(async () => {
    seeded = await seedQueue(
      [{ name: 'autoTone', data: darkroomJobData() }],
      [{ name: 'autoTone', data: darkroomJobData({ step: 'submit' }) }],
    );
    dashboard = createDashboard({
      redis: redisUrl(),
      queues: [seeded.name],
      prefix: PREFIX,
      auth: {
        mode: 'basic',
        users: [
          { username: VIEWER.user, password: VIEWER.pass, role: 'viewer' },
          { username: ADMIN.user, password: ADMIN.pass, role: 'admin' },
        ],
      },
    });
  });

  afterAll(async () => {
    // Either may be missing when beforeAll failed part-way.
    await (dashboard as Dashboard | undefined)?.close();
    await (seeded as SeededQueue | undefined)?.close();
  });

  const families = (): { name: string; method: 'get' | 'put'; path: string }[] => [
    { name: 'UI page', method: 'get', path: '/' },
    { name: 'UI deep link', method: 'get', path: `/queue/${encodeURIComponent(seeded.name)}` },
    { name: 'static asset', method: 'get', path: '/static/images/logo.svg' },
    { name: 'API read', method: 'get', path: '/api/queues' },
    {
      name: 'API write',
      method: 'put',
      path: `/api/queues/${encodeURIComponent(seeded.name)}/pause`,
    },
    { name: 'unknown path', method: 'get', path: '/no/such/page' },
  ];

  it('answers 401 with a Basic challenge on every route family without credentials', async () => {
    for (const { name, method, path } of families()) {
      const res = await request(dashboard.app)[method](path);
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.headers['www-authenticate']).toBe('Basic realm="Darkroom"');
    }
  });

  it('answers 401 to a wrong password, an unknown user and a malformed header', async () => {
    const attempts = [
      request(dashboard.app).get('/api/queues').auth(VIEWER.user, 'wrong'),
      request(dashboard.app).get('/api/queues').auth('mallory', VIEWER.pass),
      request(dashboard.app).get('/api/queues').auth(VIEWER.user, ADMIN.pass),
      request(dashboard.app).get('/api/queues').set('Authorization', 'Basic not-base64!'),
      request(dashboard.app).get('/api/queues').set('Authorization', `Bearer ${ADMIN.pass}`),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(401);
  });

  it('lets the viewer read every family and refuses its writes with 403', async () => {
    const statuses: Record<string, number> = {};
    for (const { name, method, path } of families()) {
      const res = await request(dashboard.app)[method](path).auth(VIEWER.user, VIEWER.pass);
      statuses[name] = res.status;
    }
    expect(statuses).toEqual({
      'UI page': 200,
      'UI deep link': 200,
      'static asset': 200,
      'API read': 200,
      'API write': 403,
      'unknown path': 404,
    });
    expect(await seeded.queue.isPaused()).toBe(false);

    const queues = await request(dashboard.app).get('/api/queues').auth(VIEWER.user, VIEWER.pass);
    const body = queues.body as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.find((q) => q.name === seeded.name)?.readOnlyMode).toBe(true);

    for (const path of [
      `/api/queues/${encodeURIComponent(seeded.name)}/${seeded.ids[0]}/retry`,
      `/api/queues/${encodeURIComponent(seeded.name)}/${seeded.ids[0]}/clean`,
      `/api/queues/${encodeURIComponent(seeded.name)}/promote`,
      `/api/queues/${encodeURIComponent(seeded.name)}/clean/completed`,
    ]) {
      const res = await request(dashboard.app).put(path).auth(VIEWER.user, VIEWER.pass);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    expect((await seeded.queue.getJobCounts('completed')).completed).toBe(1);
  });

  it('lets the admin read and write: pausing really pauses the queue', async () => {
    const page = await request(dashboard.app).get('/').auth(ADMIN.user, ADMIN.pass);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Darkroom</title>');
    expect(page.headers).toMatchObject({
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });

    const queues = await request(dashboard.app).get('/api/queues').auth(ADMIN.user, ADMIN.pass);
    const body = queues.body as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.find((q) => q.name === seeded.name)?.readOnlyMode).toBe(false);

    const base = `/api/queues/${encodeURIComponent(seeded.name)}`;
    const pause = await request(dashboard.app).put(`${base}/pause`).auth(ADMIN.user, ADMIN.pass);
    expect(pause.status).toBe(200);
    expect(await seeded.queue.isPaused()).toBe(true);
    const resume = await request(dashboard.app).put(`${base}/resume`).auth(ADMIN.user, ADMIN.pass);
    expect(resume.status).toBe(200);
    expect(await seeded.queue.isPaused()).toBe(false);
  });

  it('compares credentials with crypto.timingSafeEqual over equal-length digests', async () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      await request(dashboard.app)
        .get('/api/queues')
        .auth(VIEWER.user, 'a-much-longer-wrong-password');
      expect(spy).toHaveBeenCalled();
      for (const [a, b] of spy.mock.calls) {
        expect((a as Buffer).length).toBe(32);
        expect((b as Buffer).length).toBe(32);
      }
      // Every configured user is compared (name and password), even after a match.
      expect(spy).toHaveBeenCalledTimes(4);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('createDashboard authentication and roles (bearer)', () => {
  let seeded: SeededQueue;
  let dashboard: Dashboard;

  beforeAll(async () => {
    seeded = await seedQueue([{ name: 'autoTone', data: darkroomJobData() }]);
    dashboard = createDashboard({
      redis: redisUrl(),
      queues: [seeded.name],
      prefix: PREFIX,
      basePath: '/ops/queues/',
      auth: {
        mode: 'bearer',
        tokens: [
          { token: 'viewer-token-1', role: 'viewer' },
          { token: 'admin-token-1', role: 'admin' },
        ],
      },
    });
  });

  afterAll(async () => {
    // Either may be missing when beforeAll failed part-way.
    await (dashboard as Dashboard | undefined)?.close();
    await (seeded as SeededQueue | undefined)?.close();
  });

  it('serves the board under its base path to valid tokens only, with roles', async () => {
    const app = dashboard.app;
    const pausePath = `/ops/queues/api/queues/${encodeURIComponent(seeded.name)}/pause`;
    const none = await request(app).get('/ops/queues/api/queues');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="Darkroom"');
    expect(
      (await request(app).get('/ops/queues/').set('Authorization', 'Bearer nope')).status,
    ).toBe(401);

    const page = await request(app)
      .get('/ops/queues/')
      .set('Authorization', 'Bearer viewer-token-1');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<base href="/ops/queues/"');
    const asset = await request(app)
      .get('/ops/queues/static/images/logo.svg')
      .set('Authorization', 'Bearer viewer-token-1');
    expect(asset.status).toBe(200);
    expect(
      (await request(app).put(pausePath).set('Authorization', 'Bearer viewer-token-1')).status,
    ).toBe(403);
    expect(
      (await request(app).put(pausePath).set('Authorization', 'Bearer admin-token-1')).status,
    ).toBe(200);
    expect(await seeded.queue.isPaused()).toBe(true);
  });

  it('closes idempotently: the second call returns the same promise', async () => {
    const extra = createDashboard({
      redis: redisUrl(),
      queues: [seeded.name],
      prefix: PREFIX,
      auth: { mode: 'bearer', tokens: [{ token: 't', role: 'viewer' }] },
    });
    await extra.listen(0);
    const first = extra.close();
    expect(extra.close()).toBe(first);
    await first;
  });
});
