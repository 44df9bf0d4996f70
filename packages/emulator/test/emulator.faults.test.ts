/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import { createEmulator } from '../src';
import { solidPng } from './support/fixtures';
import { type Harness, issueToken, startHarness, statusLink } from './support/harness';

guardAgainstLeaks();

describe('fault injection', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ limits: false });
    h.files.put('/in/red.png', await solidPng(8, 8, [255, 0, 0]));
  });
  afterEach(() => h.emulator.setFaults({}));
  afterAll(() => h.close());

  const body = (name: string) => ({
    inputs: [{ href: `${h.files.url}/in/red.png`, storage: 'external' }],
    outputs: [{ href: `${h.files.url}/out/${name}.png`, storage: 'external', type: 'image/png' }],
  });

  it('answers submits with the configured 5xx', async () => {
    h.emulator.setFaults({ submit: { errorRate: 1, errorStatuses: [503] } });
    const reply = await h.post('/pie/psdService/renditionCreate', body('a'));
    expect([reply.status, reply.body.code]).toEqual([503, 503]);
    const v2 = await h.post('/v2/create-composite', {
      image: { source: { url: `${h.files.url}/in/red.png` } },
      outputs: [{ destination: { url: `${h.files.url}/out/x.png` }, mediaType: 'image/png' }],
    });
    expect([v2.status, v2.body.error_code]).toEqual([503, 'runtime_error']);
    expect(h.emulator.stats().clients['darkroom-dev']?.faults.error503).toBeGreaterThanOrEqual(2);
  });

  it('answers status reads with 5xx while submits go through', async () => {
    h.emulator.setFaults({ status: { errorRate: 1, errorStatuses: [500] } });
    const submitted = await h.post('/pie/psdService/renditionCreate', body('b'));
    expect(submitted.status).toBe(202);
    const status = await h.get(statusLink(submitted));
    expect([status.status, status.body.type]).toEqual([500, 'InternalServiceError']);
  });

  it('drops connections without a reply', async () => {
    h.emulator.setFaults({ submit: { dropRate: 1 } });
    await expect(h.post('/pie/psdService/renditionCreate', body('c'))).rejects.toThrow();
    expect(h.emulator.stats().clients['darkroom-dev']?.faults.drop).toBe(1);
  });

  it('accepts a submit but loses its reply', async () => {
    h.emulator.setFaults({ submit: { dropAfterAcceptRate: 1 } });
    await expect(h.post('/pie/psdService/renditionCreate', body('lost'))).rejects.toThrow();
    // The job exists and runs although the client never heard of it.
    const job = h.emulator.jobs().find((j) => j.outputs[0] === `${h.files.url}/out/lost.png`);
    expect(job?.operation).toBe('renditionCreate');
    expect(h.emulator.stats().submitsByLocation[`${h.files.url}/out/lost.png`]).toBe(1);
  });

  it('adds latency', async () => {
    h.emulator.setFaults({ status: { latencyMs: 300 } });
    const submitted = await h.post('/pie/psdService/renditionCreate', body('d'));
    const started = Date.now();
    const status = await h.get(statusLink(submitted));
    expect(status.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('throttles the next N requests, then lets them through', async () => {
    h.emulator.setFaults({ throttle: { nextRequests: 2, retryAfterMs: 2000, scope: 'submit' } });
    const statuses = [];
    for (const name of ['e1', 'e2', 'e3']) {
      const reply = await h.post('/pie/psdService/renditionCreate', body(name));
      statuses.push([reply.status, reply.headers.get('retry-after')]);
    }
    expect(statuses).toEqual([
      [429, '2'],
      [429, '2'],
      [202, null],
    ]);
  });

  it('throttles everything for a period', async () => {
    h.emulator.setFaults({ throttle: { forMs: 60_000 } });
    expect((await h.post('/pie/psdService/renditionCreate', body('f'))).status).toBe(429);
    expect((await h.get('/pie/psdService/status/x')).status).toBe(429);
  });

  it('fails remote jobs with an internal error', async () => {
    h.emulator.setFaults({ jobFailureRate: 1 });
    const done = await h.waitDone(
      statusLink(await h.post('/pie/psdService/renditionCreate', body('g'))),
    );
    expect(done.body.outputs[0]).toMatchObject({
      status: 'failed',
      errors: { type: 'InternalServiceError', code: 500 },
    });
    expect(h.files.get('/out/g.png')).toBeUndefined();
  });

  it('fails output uploads', async () => {
    h.emulator.setFaults({ uploadFailureRate: 1 });
    const done = await h.waitDone(
      statusLink(await h.post('/pie/psdService/renditionCreate', body('h'))),
    );
    expect(done.body.outputs[0]).toMatchObject({
      status: 'failed',
      errors: { type: 'FileOverwriteError' },
    });
    expect(h.files.get('/out/h.png')).toBeUndefined();
  });

  it('is set through POST /admin/faults, which validates the fault set', async () => {
    const bad = await fetch(`${h.emulator.url}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ submit: { errorRate: 2 } }),
    });
    expect(bad.status).toBe(400);
    const good = await fetch(`${h.emulator.url}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ submit: { errorRate: 1, errorStatuses: [502] } }),
    });
    expect(good.status).toBe(200);
    expect((await h.post('/pie/psdService/renditionCreate', body('i'))).status).toBe(502);
  });

  it('is reproducible from a seed', async () => {
    async function sequence(seed: number): Promise<number[]> {
      const emulator = await createEmulator({
        limits: false,
        seed,
        faults: { status: { errorRate: 0.5 } },
      });
      try {
        const token = await issueToken(emulator.url, 'darkroom-dev', 'darkroom-dev-secret');
        const headers = {
          authorization: `Bearer ${String(token.body.access_token)}`,
          'x-api-key': 'darkroom-dev',
        };
        const out = [];
        for (let n = 0; n < 24; n += 1) {
          out.push((await fetch(`${emulator.url}/pie/psdService/status/none`, { headers })).status);
        }
        return out;
      } finally {
        await emulator.close();
      }
    }
    const first = await sequence(42);
    expect(await sequence(42)).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(await sequence(7)).not.toEqual(first);
  });
});
