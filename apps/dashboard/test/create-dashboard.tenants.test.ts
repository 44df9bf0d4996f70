import { guardAgainstLeaks, redisUrl } from '@darkroom/testing';
import {
  createDashboard,
  TENANTS_REFRESH_SECONDS,
  type Dashboard,
  type TenantsSnapshot,
} from '../src';
import { PREFIX } from './seed-queue';
import { HOSTILE_TENANT, seedTenants, type SeededTenants } from './tenants-seed';

guardAgainstLeaks();

const VIEWER = { user: 'viv', pass: 'viewer-pass' };
const ADMIN = { user: 'ada', pass: 'admin-pass' };
const basic = (who: { user: string; pass: string }): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(`${who.user}:${who.pass}`).toString('base64')}`,
});

describe('createDashboard tenants page', () => {
  let seeded: SeededTenants;
  let dashboard: Dashboard;
  let url: string;

  beforeAll(async () => {
    seeded = await seedTenants();
    dashboard = createDashboard({
      redis: redisUrl(),
      queues: [seeded.queue],
      prefix: PREFIX,
      basePath: '/ops',
      auth: {
        mode: 'basic',
        users: [
          { username: VIEWER.user, password: VIEWER.pass, role: 'viewer' },
          { username: ADMIN.user, password: ADMIN.pass, role: 'admin' },
        ],
      },
    });
    ({ url } = await dashboard.listen(0));
  });

  afterAll(async () => {
    await (dashboard as Dashboard | undefined)?.close();
    await (seeded as SeededTenants | undefined)?.close();
  });

  it('refuses both forms without valid credentials', async () => {
    for (const path of ['tenants', 'tenants.json']) {
      const none = await fetch(`${url}${path}`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Basic realm="Darkroom"');
      expect(await none.text()).not.toContain('acme');
      const wrong = await fetch(`${url}${path}`, { headers: basic({ ...VIEWER, pass: 'nope' }) });
      expect(wrong.status).toBe(401);
    }
  });

  it('gives the viewer each tenant backlog, counts and submit rate as JSON', async () => {
    const res = await fetch(`${url}tenants.json`, { headers: basic(VIEWER) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as TenantsSnapshot;
    expect(body.queues).toHaveLength(1);
    const [q] = body.queues;
    expect(q?.queue).toBe(seeded.queue);
    const hour = q?.windows.hour;
    // Hourly buckets: the hour window starts at the top of the hour an hour ago.
    expect(hour?.minutes).toBeGreaterThanOrEqual(60);
    expect(hour?.minutes).toBeLessThanOrEqual(121);
    expect(new Date(hour?.since ?? '').getUTCMinutes()).toBe(0);
    const minutes = hour?.minutes ?? 1;
    const perMinute = (n: number): number => Math.round((n / minutes) * 100) / 100;

    expect(q?.tenants.map((t) => t.tenant)).toEqual([HOSTILE_TENANT, 'acme', 'globex'].sort());
    const acme = q?.tenants.find((t) => t.tenant === 'acme');
    expect(acme).toEqual({
      tenant: 'acme',
      waiting: 4,
      accounts: [
        { account: 'acct-a', waiting: 3 },
        { account: 'acct-b', waiting: 1 },
      ],
      hour: {
        completed: 5,
        failed: 1,
        cancelled: 0,
        submits: 12,
        submitsPerMinute: perMinute(12),
        rateLimited: 2,
      },
      day: {
        completed: 9,
        failed: 2,
        cancelled: 0,
        submits: 12,
        submitsPerMinute: Math.round((12 / (q?.windows.day.minutes ?? 1)) * 100) / 100,
        rateLimited: 5,
      },
    });
    const globex = q?.tenants.find((t) => t.tenant === 'globex');
    expect(globex?.waiting).toBe(0);
    expect(globex?.hour).toMatchObject({ completed: 2, submits: 6, rateLimited: 0 });
    expect(globex?.hour.submitsPerMinute).toBe(perMinute(6));
    const hostile = q?.tenants.find((t) => t.tenant === HOSTILE_TENANT);
    expect(hostile?.waiting).toBe(2);
    expect(hostile?.day).toMatchObject({ completed: 0, submits: 0, submitsPerMinute: 0 });
  });

  it('serves a self-refreshing HTML table under a strict CSP, tenant names escaped', async () => {
    const res = await fetch(`${url}tenants`, { headers: basic(VIEWER) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain(`<meta http-equiv="refresh" content="${TENANTS_REFRESH_SECONDS}">`);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;co');
    // acme: 4 waiting, 5 and 1 in the hour, 9 and 2 in the day.
    expect(html).toMatch(
      /<td>acme<\/td><td title="acct-a 3, acct-b 1">4<\/td><td>5<\/td><td>1<\/td><td>9<\/td><td>2<\/td>/,
    );
    expect(html).toContain('href="/ops/tenants.json"');
    expect(html).toContain('href="/ops/"');
    // Names and counts only: no URL of any kind, no query string.
    expect(html).not.toMatch(/https?:|\?/);
  });

  it('lets the admin read it too, and links it from the board header menu', async () => {
    const json = await fetch(`${url}tenants.json`, { headers: basic(ADMIN) });
    expect(json.status).toBe(200);
    const board = await fetch(url, { headers: basic(VIEWER) });
    expect(board.status).toBe(200);
    const page = await board.text();
    expect(page).toContain(
      '"miscLinks":[{"text":"Tenants","url":"/ops/tenants"},{"text":"Search edits","url":"/ops/search"},' +
        '{"text":"Runs","url":"/ops/runs"}]',
    );
  });
});
