import {
  RUN_JOB_NAME,
  runsQueueName,
  SCRATCH_CLEANUP_JOB_NAME,
  type RecipeRunStatus,
} from '@darkroom/jobs';
import { freePort, guardAgainstLeaks, redisUrl } from '@darkroom/testing';
import request from 'supertest';
import { createDashboard, RUNS_PAGE_CSP, type Dashboard, type QueueRuns } from '../src';
import { PREFIX } from './seed-queue';
import {
  HELD_RUN_CALLBACK,
  HOSTILE_HEADLINE,
  seedRuns,
  STEP_FAILURE,
  type SeededRuns,
} from './runs-seed';

guardAgainstLeaks();

const VIEWER = { user: 'viv', pass: 'viewer-pass' };
const ADMIN = { user: 'ada', pass: 'admin-pass' };
const UNKNOWN_RUN = `run-${'0'.repeat(32)}`;

describe('createDashboard runs page', () => {
  let seeded: SeededRuns;
  let dashboard: Dashboard;

  beforeAll(async () => {
    seeded = await seedRuns();
    dashboard = createDashboard({
      redis: redisUrl(),
      queues: [seeded.queue, runsQueueName(seeded.queue)],
      tenantQueues: [seeded.queue],
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
  });

  afterAll(async () => {
    // Either may be missing when beforeAll failed part-way.
    await (dashboard as Dashboard | undefined)?.close();
    await (seeded as SeededRuns | undefined)?.close();
  });

  const get = (path: string, who: { user: string; pass: string } = VIEWER) =>
    request(dashboard.app).get(path).auth(who.user, who.pass);
  const board = (): string => `/ops/queue/${encodeURIComponent(seeded.queue)}`;
  const idsIn = (body: unknown): string[] =>
    (body as { queues: QueueRuns[] }).queues.flatMap((q) => q.runs.map((r) => r.id));

  it('seeded a completed, a failed and a running run', () => {
    expect(seeded.completed.state).toBe('completed');
    expect(seeded.failed).toMatchObject({
      state: 'failed',
      failure: { step: 'png', reason: 'remote_failed' },
    });
    expect(seeded.running.state).toBe('running');
    expect(seeded.running.steps.map((s) => s.state)).toEqual(['delayed', 'pending']);
  });

  it('shows the runs queue without actions even to an admin: runs are retried with retryRun', async () => {
    const res = await get('/ops/api/queues', ADMIN);
    expect(res.status).toBe(200);
    const queues = (res.body as { queues: { name: string; readOnlyMode: boolean }[] }).queues;
    const mode = Object.fromEntries(queues.map((q) => [q.name, q.readOnlyMode]));
    expect(mode).toEqual({ [seeded.queue]: false, [runsQueueName(seeded.queue)]: true });
  });

  it('answers one run as getRun gives it, to a viewer and to an admin', async () => {
    for (const who of [VIEWER, ADMIN]) {
      const res = await get(`/ops/runs.json?id=${seeded.failed.id}`, who);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.body as { queue: string; run: RecipeRunStatus };
      expect(body.queue).toBe(seeded.queue);
      expect(body.run).toEqual(seeded.failed);
      expect(body.run.steps.map((s) => [s.name, s.state, s.remoteJobId])).toEqual([
        ['text', 'completed', 'adobe-job-text'],
        ['png', 'failed', 'adobe-job-png'],
      ]);
      const page = await get(`/ops/runs?id=${seeded.failed.id}`, who);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<h1>Run ${seeded.failed.id}</h1>`);
    }
  });

  it("shows a failed run's steps, each edit linked to the board, and the step's failure", async () => {
    const res = await get(`/ops/runs?id=${seeded.failed.id}`);
    expect(res.headers['content-security-policy']).toBe(RUNS_PAGE_CSP);
    expect(RUNS_PAGE_CSP).not.toMatch(/script-src|unsafe-inline/);
    const html = res.text;
    expect(html).not.toContain('<script');
    const [text, png] = seeded.failed.steps;
    for (const step of [text, png]) {
      const editId = step?.editId ?? '';
      expect(html).toContain(`<a href="${board()}/${editId}">${editId}</a>`);
    }
    const message = STEP_FAILURE.slice('remote_failed: '.length);
    const escaped = message.replace('<', '&lt;').replace('>', '&gt;').replaceAll('"', '&quot;');
    expect(html).toContain(
      `<td>png</td><td>text</td><td>failed</td><td><a href="${board()}/${png?.editId ?? ''}">` +
        `${png?.editId ?? ''}</a></td><td>adobe-job-png</td><td>remote_failed</td>` +
        `<td>${escaped}</td>`,
    );
    expect(html).toContain(`<p class="error">step png: remote_failed: ${escaped}</p>`);
    expect(html).toContain('<th scope="row">tenant</th><td>broken</td>');
    // Storage references only: no URL of any kind.
    expect(html).not.toMatch(/https?:/);
  });

  it('shows a hostile parameter value as text, and the outputs of a completed run', async () => {
    const json = await get(`/ops/runs.json?id=${seeded.completed.id}`);
    expect((json.body as { run: RecipeRunStatus }).run.params.headline).toBe(HOSTILE_HEADLINE);
    const html = (await get(`/ops/runs?id=${seeded.completed.id}`)).text;
    expect(html).not.toContain('<script');
    expect(html).toContain(
      '<li><code>headline</code> = &lt;script&gt;alert(&quot;run&quot;)&lt;/script&gt;</li>',
    );
    expect(html).toContain(
      '<h2>Outputs</h2>\n<ul><li><code>s3://darkroom-out/banners/en-GB/banner.png</code></li></ul>',
    );
  });

  it("shows a running run's pending step without a link: its edit does not exist yet", async () => {
    const html = (await get(`/ops/runs?id=${seeded.running.id}`)).text;
    const [text, png] = seeded.running.steps;
    expect(html).toContain(`<a href="${board()}/${text?.editId ?? ''}">`);
    expect(html).toContain(`<td>pending</td><td>${png?.editId ?? ''}</td>`);
    expect(html).not.toContain(`<a href="${board()}/${png?.editId ?? ''}">`);
    expect(html).not.toContain('<h2>Outputs</h2>');
    expect(html).not.toContain('<h2>Failure</h2>');
    // Its priority, deadline and callback: the callback's origin and path, never its query.
    expect(html).toContain('<th scope="row">priority</th><td>3</td>');
    expect(seeded.running.deadlineAt).toBeGreaterThan(Date.now());
    const deadline = new Date(seeded.running.deadlineAt ?? 0).toISOString();
    expect(html).toContain(`<th scope="row">deadline</th><td>${deadline}</td>`);
    expect(html).toContain(
      '<th scope="row">callback</th><td>https://hooks.example.com/runs/done</td>',
    );
    expect(html).not.toContain(new URL(HELD_RUN_CALLBACK).search);
  });

  it('lists the newest runs first, each linking to its page, and narrows them by state', async () => {
    const all = await get('/ops/runs.json');
    expect(all.status).toBe(200);
    const [only] = (all.body as { queues: QueueRuns[] }).queues;
    expect(only).toMatchObject({ queue: seeded.queue, runsQueue: runsQueueName(seeded.queue) });
    expect(idsIn(all.body)).toEqual([seeded.running.id, seeded.failed.id, seeded.completed.id]);
    expect(only?.runs[1]).toEqual(seeded.failed);

    expect(idsIn((await get('/ops/runs.json?state=failed')).body)).toEqual([seeded.failed.id]);
    expect(idsIn((await get('/ops/runs.json?state=completed')).body)).toEqual([
      seeded.completed.id,
    ]);
    // The failed run's scratch clean-up waits in the same list, and is no run.
    const delayed = await seeded.edits.runs().queue.getDelayed();
    expect(delayed.map((job) => job.name).sort()).toEqual([RUN_JOB_NAME, SCRATCH_CLEANUP_JOB_NAME]);
    expect(idsIn((await get('/ops/runs.json?state=delayed')).body)).toEqual([seeded.running.id]);
    expect(idsIn((await get('/ops/runs.json?state=waiting')).body)).toEqual([]);

    const page = await get('/ops/runs');
    expect(page.headers['content-security-policy']).toBe(RUNS_PAGE_CSP);
    const html = page.text;
    const q = encodeURIComponent(seeded.queue);
    for (const run of [seeded.running, seeded.failed, seeded.completed]) {
      expect(html).toContain(`<a href="/ops/runs?id=${run.id}&amp;queue=${q}">${run.id}</a>`);
    }
    expect(html.indexOf(seeded.running.id)).toBeLessThan(html.indexOf(seeded.failed.id));
    expect(html.indexOf(seeded.failed.id)).toBeLessThan(html.indexOf(seeded.completed.id));
    expect(html).toContain('<td>banner-chain</td><td>failed</td><td>broken</td><td>1 of 2</td>');
    expect(html).toContain('<a href="/ops/runs?state=failed">failed</a>');

    const failedOnly = (await get('/ops/runs?state=failed')).text;
    expect(failedOnly).toContain('<strong>failed</strong>');
    expect(failedOnly).toContain(seeded.failed.id);
    expect(failedOnly).not.toContain(seeded.completed.id);
    expect(failedOnly).toContain('href="/ops/runs.json?state=failed"');
  });

  it('reads a run in the edit queue it names, and refuses one it does not show', async () => {
    const res = await get(`/ops/runs.json?id=${seeded.failed.id}&queue=${seeded.queue}`);
    expect(res.status).toBe(200);
    const runsQueue = encodeURIComponent(runsQueueName(seeded.queue));
    const refused = await get(`/ops/runs.json?id=${seeded.failed.id}&queue=${runsQueue}`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ field: 'queue', rule: 'enum' });
  });

  it('answers a bad query 400 naming the parameter and the rule', async () => {
    const cases: [string, string, string][] = [
      ['id=run-xyz', 'id', 'format'],
      ['id=3f0c1a52-6bde-4b8e-9a41-2f1c9b7d0e11', 'id', 'format'],
      [`id=${seeded.failed.id}&id=${seeded.completed.id}`, 'id', 'format'],
      ['state=running', 'state', 'enum'],
      ['queue=elsewhere', 'queue', 'enum'],
    ];
    for (const [query, field, rule] of cases) {
      const res = await get(`/ops/runs.json?${query}`);
      expect({ query, status: res.status, body: res.body as unknown }).toMatchObject({
        query,
        status: 400,
        body: { error: 'invalid_query', field, rule },
      });
      expect((res.body as { message: string }).message).toContain(field);
    }
    const page = await get('/ops/runs?id=%3Cb%3Erun%3C%2Fb%3E');
    expect(page.status).toBe(400);
    expect(page.headers['content-security-policy']).toBe(RUNS_PAGE_CSP);
    expect(page.text).toContain('id must be a run id, matching');
    expect(page.text).not.toContain('<b>');
  });

  it('answers a run it cannot find 404', async () => {
    const json = await get(`/ops/runs.json?id=${UNKNOWN_RUN}`);
    expect(json.status).toBe(404);
    expect(json.body).toEqual({
      error: 'not_found',
      message: `no run ${UNKNOWN_RUN} in ${seeded.queue}`,
    });
    const page = await get(`/ops/runs?id=${UNKNOWN_RUN}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('<h1>Run not found</h1>');
    expect(page.text).toContain(`no run ${UNKNOWN_RUN} in ${seeded.queue}`);
  });

  it('refuses both forms without valid credentials', async () => {
    for (const path of ['/ops/runs', `/ops/runs.json?id=${seeded.failed.id}`]) {
      const res = await request(dashboard.app).get(path);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain(seeded.failed.id);
    }
  });

  it('links the page from the board header menu, and each step edit to its run', async () => {
    const page = await get('/ops/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('{"text":"Runs","url":"/ops/runs"}');
    const png = seeded.failed.steps[1];
    const job = await get(`/ops/api/queues/${encodeURIComponent(seeded.queue)}/${png?.editId}`);
    expect(job.status).toBe(200);
    const data = (job.body as { job: { data: Record<string, unknown> } }).job.data;
    expect(data.run).toEqual({ id: seeded.failed.id, step: 'png' });
    expect(data.runPage).toBe(`/ops/runs?id=${seeded.failed.id}`);
    expect(Object.keys(data).indexOf('runPage')).toBeLessThan(Object.keys(data).indexOf('step'));
  });
});

describe('createDashboard runs page without Redis', () => {
  it('answers 503 within seconds, without Redis detail, when Redis cannot be reached', async () => {
    const dashboard = createDashboard({
      // Nothing listens there: the runs page's connection never becomes ready.
      redis: `redis://127.0.0.1:${await freePort()}`,
      queues: ['edits'],
      prefix: PREFIX,
      auth: { mode: 'basic', users: [{ username: 'v', password: 'p', role: 'viewer' }] },
    });
    try {
      for (const path of ['/runs.json', `/runs.json?id=${UNKNOWN_RUN}`, '/runs']) {
        const res = await request(dashboard.app).get(path).auth('v', 'p').timeout(10_000);
        expect({ path, status: res.status, body: res.body as unknown }).toEqual({
          path,
          status: 503,
          body: { error: 'unavailable', message: 'runs could not be read from Redis' },
        });
      }
    } finally {
      await dashboard.close();
    }
  });
});
