/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   replies are JSON documents that these tests read field by field */
import { execFileSync } from 'node:child_process';
import { guardAgainstLeaks, waitFor } from '@darkroom/testing';
import { createEmulator, type EmulatorStats } from '../src';
import { solidPng } from './support/fixtures';
import { type Harness, startHarness, statusLink } from './support/harness';

guardAgainstLeaks();

describe('job lifecycle, evidence and metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    // A simple job takes 1.6 s at timeFactor 1; 0.5 makes it 800 ms, 400 of them pending
    // (long enough to observe each phase on a busy machine).
    h = await startHarness({
      timeFactor: 0.5,
      durations: { simple: { minMs: 1600, maxMs: 1600 }, pendingShare: 0.5 },
    });
    h.files.put('/in/red.png', await solidPng(8, 8, [255, 0, 0]));
  });
  afterAll(() => h.close());

  it('moves pending → running → succeeded over the scaled duration', async () => {
    const started = Date.now();
    const submitted = await h.post('/lrService/autoTone', {
      inputs: { href: `${h.files.url}/in/red.png`, storage: 'external' },
      outputs: [
        { href: `${h.files.url}/out/tone.png?sig=s3cr3t`, storage: 'external', type: 'image/png' },
      ],
    });
    expect(submitted.status).toBe(202);
    const link = statusLink(submitted);
    const seen: string[] = [];
    await waitFor(
      async () => {
        const reply = await h.get(link);
        expect(reply.status).toBe(200);
        const status = String(reply.body.outputs[0].status);
        if (seen[seen.length - 1] !== status) seen.push(status);
        return status === 'succeeded';
      },
      { timeoutMs: 5000, intervalMs: 10, what: 'the job to succeed' },
    );
    expect(seen).toEqual(['pending', 'running', 'succeeded']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(790);
  });

  it('draws durations uniformly within the class range, reproducibly from the seed', async () => {
    async function durations(seed: number): Promise<number[]> {
      const e = await startHarness({
        seed,
        timeFactor: 0.5,
        durations: { simple: { minMs: 1000, maxMs: 3000 }, complex: { minMs: 8000, maxMs: 9000 } },
      });
      try {
        for (const path of [
          '/lrService/autoTone',
          '/lrService/autoTone',
          '/pie/psdService/documentOperations',
        ]) {
          const body = path.startsWith('/lr')
            ? {
                inputs: { href: `${e.files.url}/in/none.png`, storage: 'external' },
                outputs: [
                  { href: `${e.files.url}/out/none.png`, storage: 'external', type: 'image/png' },
                ],
              }
            : {
                inputs: [{ href: `${e.files.url}/in/none.psd`, storage: 'external' }],
                options: {},
                outputs: [
                  { href: `${e.files.url}/out/none.png`, storage: 'external', type: 'image/png' },
                ],
              };
          expect((await e.post(path, body)).status).toBe(202);
        }
        return e.emulator.jobs().map((j) => j.simulatedDurationMs);
      } finally {
        await e.close();
      }
    }
    const first = await durations(3);
    // simple: 1–3 s, complex: 8–9 s, both halved by timeFactor 0.5.
    for (const ms of first.slice(0, 2)) expect(ms >= 500 && ms <= 1500).toBe(true);
    expect(first[2]! >= 4000 && first[2]! <= 4500).toBe(true);
    expect(await durations(3)).toEqual(first);
    expect(await durations(4)).not.toEqual(first);
  });

  it('lists jobs and counts evidence without presigned query strings', async () => {
    const submitted = await h.post('/pie/psdService/renditionCreate', {
      inputs: [{ href: `${h.files.url}/in/red.png?sig=s3cr3t`, storage: 'external' }],
      outputs: [
        { href: `${h.files.url}/out/r.png?sig=s3cr3t`, storage: 'external', type: 'image/png' },
      ],
    });
    const link = statusLink(submitted);
    await h.waitDone(link);
    const jobId = link.split('/').pop() ?? '';

    const jobs = (await (await fetch(`${h.emulator.url}/admin/jobs`)).json()) as {
      jobs: Array<{ jobId: string }>;
    };
    const job = jobs.jobs.find((j) => j.jobId === jobId);
    expect(job).toMatchObject({
      operation: 'renditionCreate',
      generation: 'v1',
      clientId: 'darkroom-dev',
      status: 'succeeded',
      input: `${h.files.url}/in/red.png`,
      outputs: [`${h.files.url}/out/r.png`],
    });
    expect(JSON.stringify(jobs)).not.toContain('s3cr3t');

    const stats = (await (await fetch(`${h.emulator.url}/admin/stats`)).json()) as EmulatorStats;
    expect(stats.submitsByLocation[`${h.files.url}/out/r.png`]).toBe(1);
    expect(stats.statusGetsByJob[jobId]).toBeGreaterThanOrEqual(1);
    expect(h.emulator.stats()).toEqual(stats);
    expect(JSON.stringify(stats)).not.toContain('s3cr3t');

    h.emulator.resetStats();
    expect(h.emulator.stats().submitsByLocation).toEqual({});
  });

  it('exposes Prometheus metrics on /metrics from its own registry', async () => {
    const text = await (await fetch(`${h.emulator.url}/metrics`)).text();
    expect(text).toMatch(/emulator_jobs_total\{operation="autoTone",outcome="succeeded"\} 1/);
    expect(text).toMatch(/emulator_http_requests_total\{route="status",status_class="2xx"\} \d+/);
    expect(await h.emulator.metrics()).toContain('emulator_job_work_seconds_bucket');
    // Prometheus's own linter accepts the exposition.
    expect(execFileSync('promtool', ['check', 'metrics'], { input: text }).toString()).toBe('');
  });

  it('rejects, leaving nothing behind, when its port is taken', async () => {
    await expect(createEmulator({ port: h.emulator.port })).rejects.toThrow(/EADDRINUSE/);
  });

  it('close() is idempotent and ends work still waiting to run', async () => {
    const slow = await startHarness({
      timeFactor: 1,
      durations: { simple: { minMs: 60_000, maxMs: 60_000 } },
    });
    const submitted = await slow.post('/lrService/autoTone', {
      inputs: { href: `${slow.files.url}/in/none.png`, storage: 'external' },
      outputs: [{ href: `${slow.files.url}/out/none.png`, storage: 'external', type: 'image/png' }],
    });
    expect((await slow.get(statusLink(submitted))).body.outputs[0].status).toBe('pending');
    const first = slow.emulator.close();
    expect(slow.emulator.close()).toBe(first);
    await first;
    await slow.files.close();
    await expect(fetch(`${slow.emulator.url}/pie/psdService/hello`)).rejects.toThrow();
  });
});
