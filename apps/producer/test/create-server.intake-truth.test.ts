import request from 'supertest';
import { guardAgainstLeaks, redisClient } from '@darkroom/testing';
import { auth, errorOf, rendition, startApi, type ApiHarness } from './support/api-harness';

guardAgainstLeaks();

describe('createServer intake under concurrency and bad input', () => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await startApi({ maxBatch: 10 });
  });
  afterEach(async () => {
    await api.close();
  });

  it('answers 30 concurrent overlapping batches truthfully: 201 with every job, or 409 with none', async () => {
    const batches = Array.from({ length: 30 }, (_, b) => [
      ...[0, 1, 2].map((k) => rendition(100 * b + k, { idempotencyKey: `batch-${b + k}` })),
      rendition(100 * b + 50),
    ]);
    const answers = await Promise.all(
      batches.map((jobs) => request(api.server).post('/v1/edits:batch').set(auth).send({ jobs })),
    );
    const stored = await api.edits.queue.getJobs(['waiting']);
    const storedRefs = new Set(stored.map((j) => j.data.request.outputs[0]?.ref));
    let accepted = 0;
    for (const [b, res] of answers.entries()) {
      const refs = (batches[b] ?? []).map((j) => j.outputs[0]?.ref);
      if (res.status === 409) {
        expect(errorOf(res).detail).toMatch(/^nothing was enqueued/);
        for (const ref of refs) expect(storedRefs.has(ref)).toBe(false);
      } else {
        expect(res.status).toBe(201);
        accepted += 1;
        for (const ref of refs) expect(storedRefs.has(ref)).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(stored).toHaveLength(accepted * 4);
  });

  it('answers 404 for BullMQ bookkeeping names and leaves them alone', async () => {
    await request(api.server).post('/v1/edits').set(auth).send(rendition()).expect(201);
    const redis = redisClient();
    try {
      const meta = await redis.hgetall(api.edits.queue.toKey('meta'));
      for (const name of ['meta', 'id', 'events', 'wait', 'marker', 'paused', 'pc', 'de']) {
        const got = await request(api.server).get(`/v1/edits/${name}`).set(auth).expect(404);
        expect(errorOf(got).code).toBe('not_found');
        await request(api.server).get(`/v1/edits/${name}?wait=1`).set(auth).expect(404);
        await request(api.server).get(`/v1/edits/${name}/events`).set(auth).expect(404);
        const del = await request(api.server).delete(`/v1/edits/${name}`).set(auth).expect(404);
        expect(errorOf(del).code).toBe('not_found');
      }
      expect(await redis.hgetall(api.edits.queue.toKey('meta'))).toEqual(meta);
    } finally {
      await redis.quit();
    }
  });

  it('refuses 10,000 nested arrays in options with 400 naming the field and rule', async () => {
    const body = `{"operation":"renditionCreate","input":"s3://darkroom-in/photos/a.psd","outputs":[{"ref":"s3://darkroom-out/a.jpg","type":"image/jpeg"}],"options":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const res = await request(api.server)
      .post('/v1/edits')
      .set(auth)
      .set('content-type', 'application/json')
      .send(body)
      .expect(400);
    const issues = errorOf(res).issues;
    expect(issues.map((i) => i.rule)).toEqual(['max-depth']);
    expect(issues[0]?.path).toMatch(/^options\.a\[0\]/);
    expect(await api.edits.queue.count()).toBe(0);
  });

  it('refuses lone surrogates, impossible widths and deadlines with 400 naming each field', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ input: 's3://darkroom-in/\uD800.psd' }, 'input', 'malformed_ref'],
      [
        { outputs: [{ ref: 's3://darkroom-out/a.jpg', type: 'image/jpeg', width: -1 }] },
        'outputs[0].width',
        'dimension-range',
      ],
      [
        { outputs: [{ ref: 's3://darkroom-out/a.jpg', type: 'image/jpeg', width: 1e9 }] },
        'outputs[0].width',
        'dimension-range',
      ],
      [{ deadline: 1 }, 'deadline', 'deadline_range'],
      [{ deadline: 9e15 }, 'deadline', 'deadline_range'],
    ];
    for (const [extra, path, rule] of cases) {
      const res = await request(api.server).post('/v1/edits').set(auth).send(rendition(0, extra));
      expect(res.status).toBe(400);
      expect(errorOf(res).issues).toContainEqual(expect.objectContaining({ path, rule }));
    }
    const meta = errorOf(await request(api.server).get('/v1/edits/meta').set(auth));
    expect(meta).toEqual({
      type: 'https://darkroom.dev/problems/not_found',
      title: 'Not found',
      status: 404,
      detail: 'no edit job meta',
      instance: '/v1/edits/meta',
      code: 'not_found',
      issues: [],
    });
  });
});
