/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks, waitFor } from '@darkroom/testing';
import { solidPng } from './support/fixtures';
import { type Harness, startHarness, statusLink } from './support/harness';

guardAgainstLeaks();

/** A rendition of the stored red square to `/out/<name>.png`, with a signature to strip. */
function rendition(h: Harness, name: string) {
  return {
    inputs: [{ href: `${h.files.url}/in/red.png?sig=in`, storage: 'external' }],
    outputs: [
      { href: `${h.files.url}/out/${name}.png?sig=s3cr3t`, storage: 'external', type: 'image/png' },
    ],
  };
}

/** The job the emulator created for output `/out/<name>.png`, once there is one. */
function jobFor(h: Harness, name: string) {
  return h.emulator.jobs().find((j) => j.outputs[0] === `${h.files.url}/out/${name}.png`);
}

describe('faults after Adobe accepted the submit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.files.put('/in/red.png', await solidPng(8, 8, [255, 0, 0]));
  });
  afterEach(() => {
    h.emulator.setFaults({});
    h.emulator.resetStats();
  });
  afterAll(() => h.close());

  it('answers a gateway 502 or 504 although the job was created, runs and writes its output', async () => {
    h.emulator.setFaults({ submit: { errorAfterAcceptRate: 1 } });
    const reply = await h.post('/pie/psdService/renditionCreate', rendition(h, 'ghost'));
    expect([502, 504]).toContain(reply.status);
    expect(reply.body).toEqual({ error_code: String(reply.status), message: expect.any(String) });

    const job = jobFor(h, 'ghost');
    expect(job).toMatchObject({ operation: 'renditionCreate', replyFaults: ['errorAfterAccept'] });
    // The client never saw the link, but the job answers on it and finishes; the output is there.
    const done = await h.waitDone(`/pie/psdService/status/${String(job?.jobId)}`);
    expect(done.body.outputs[0].status).toBe('succeeded');
    expect(h.files.get('/out/ghost.png')?.bytes.length).toBeGreaterThan(0);

    const stats = h.emulator.stats();
    const location = `${h.files.url}/out/ghost.png`;
    expect(stats.acceptedReplyFaults).toEqual({
      errorAfterAccept: 1,
      dropAfterAccept: 0,
      slowAccept: 0,
    });
    expect(stats.submitsByLocation[location]).toBe(1);
    expect(stats.jobsByLocation[location]).toEqual([job?.jobId]);
    expect(stats.clients['darkroom-dev']).toMatchObject({
      accepted: 1,
      faults: { errorAfterAccept: 1 },
    });
    expect(JSON.stringify([stats, h.emulator.jobs()])).not.toContain('s3cr3t');
  });

  it('uses the configured statuses, in the same shape for v2', async () => {
    h.emulator.setFaults({ submit: { errorAfterAcceptRate: 1, errorAfterAcceptStatuses: [504] } });
    const reply = await h.post('/v2/create-composite', {
      image: { width: 6, height: 6 },
      outputs: [
        { destination: { url: `${h.files.url}/out/v2-ghost.png` }, mediaType: 'image/png' },
      ],
    });
    expect(reply).toMatchObject({
      status: 504,
      body: { error_code: '504', message: 'Gateway Timeout' },
    });
    const job = jobFor(h, 'v2-ghost');
    expect(job?.generation).toBe('v2');
    await waitFor(() => h.files.get('/out/v2-ghost.png'), {
      timeoutMs: 10_000,
      what: 'the v2 job to write its output',
    });
  });

  it('counts every POST received per location, the accepted jobs among them, and the kinds of lost replies', async () => {
    h.emulator.setFaults({
      seed: 3,
      submit: { errorAfterAcceptRate: 0.5, dropAfterAcceptRate: 0.3 },
    });
    const outcomes: string[] = [];
    for (let n = 0; n < 12; n += 1) {
      const reply = await h
        .post('/pie/psdService/renditionCreate', rendition(h, 'same'))
        .then((r) => String(r.status))
        .catch(() => 'reset');
      outcomes.push(reply);
    }
    // A submit with a bad token is received too, though the gateway refuses it.
    const refused = await h.post('/pie/psdService/renditionCreate', rendition(h, 'same'), {
      authorization: 'Bearer nope',
    });
    expect(refused.status).toBe(401);

    const stats = h.emulator.stats();
    const location = `${h.files.url}/out/same.png`;
    expect(stats.submitsReceivedByLocation[location]).toBe(13);
    expect(stats.submitAttemptsByLocation[location]).toBe(12);
    expect(stats.submitsByLocation[location]).toBe(12);
    expect(stats.jobsByLocation[location]).toHaveLength(12);
    const faults = stats.acceptedReplyFaults;
    expect(faults.dropAfterAccept).toBe(outcomes.filter((o) => o === 'reset').length);
    expect(faults.errorAfterAccept).toBe(outcomes.filter((o) => o === '502' || o === '504').length);
    expect(faults.dropAfterAccept).toBeGreaterThan(0);
    expect(faults.errorAfterAccept).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o === '202')).toHaveLength(
      12 - faults.dropAfterAccept - faults.errorAfterAccept,
    );
    // Each job says what its reply suffered, so a test can tell which submit the client lost.
    const jobs = h.emulator.jobs().filter((j) => j.outputs[0] === location);
    expect(jobs.filter((j) => j.replyFaults?.includes('dropAfterAccept'))).toHaveLength(
      faults.dropAfterAccept,
    );
    expect(stats.submitsThrottledByLocation[location]).toBeUndefined();
  });

  it('counts the submits it answered 429 per location, apart from the others', async () => {
    h.emulator.setFaults({ throttle: { nextRequests: 2, retryAfterMs: 10, scope: 'submit' } });
    const statuses: number[] = [];
    for (let n = 0; n < 3; n += 1) {
      statuses.push((await h.post('/pie/psdService/renditionCreate', rendition(h, 'busy'))).status);
    }
    expect(statuses).toEqual([429, 429, 202]);
    const stats = h.emulator.stats();
    const location = `${h.files.url}/out/busy.png`;
    expect(stats.submitsThrottledByLocation[location]).toBe(2);
    expect(stats.submitsReceivedByLocation[location]).toBe(3);
    expect(stats.submitsByLocation[location]).toBe(1);
  });

  it('holds the 202 of a job that already runs', async () => {
    h.emulator.setFaults({ submit: { acceptLatencyMs: 2000 } });
    let answered = false;
    const started = Date.now();
    const reply = h.post('/pie/psdService/renditionCreate', rendition(h, 'held')).finally(() => {
      answered = true;
    });
    // The job exists and its output is written while the reply is still held.
    await waitFor(() => h.files.get('/out/held.png'), {
      timeoutMs: 10_000,
      what: 'the held job to write its output',
    });
    expect(answered).toBe(false);
    const job = jobFor(h, 'held');
    expect(job?.replyFaults).toEqual(['slowAccept']);
    const held = await reply;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1990);
    expect(held.status).toBe(202);
    expect(statusLink(held)).toContain(String(job?.jobId));
    expect(h.emulator.stats().acceptedReplyFaults.slowAccept).toBe(1);
  });

  it('holds, then answers a gateway timeout: the slow 504 of a job that went on', async () => {
    h.emulator.setFaults({
      submit: { acceptLatencyMs: 300, errorAfterAcceptRate: 1, errorAfterAcceptStatuses: [504] },
    });
    const started = Date.now();
    const reply = await h.post('/pie/psdService/renditionCreate', rendition(h, 'timeout'));
    expect(reply.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(jobFor(h, 'timeout')?.replyFaults).toEqual(['slowAccept', 'errorAfterAccept']);
  });
});

describe('a held accept', () => {
  it('outlasts a client timeout, and closing the emulator ends the wait at once', async () => {
    const h = await startHarness({ faults: { submit: { acceptLatencyMs: 120_000 } } });
    try {
      h.files.put('/in/red.png', await solidPng(8, 8, [255, 0, 0]));
      const timedOut = fetch(`${h.emulator.url}/pie/psdService/renditionCreate`, {
        method: 'POST',
        headers: h.headers,
        body: JSON.stringify(rendition(h, 'gave-up')),
        signal: AbortSignal.timeout(500),
      });
      await expect(timedOut).rejects.toThrow(/timeout|aborted/i);
      const job = await waitFor(() => jobFor(h, 'gave-up'), {
        timeoutMs: 5000,
        what: 'the job of the submit that timed out',
      });
      const done = await h.waitDone(`/pie/psdService/status/${job.jobId}`);
      expect(done.body.outputs[0].status).toBe('succeeded');

      // Settled as a value at once: the close may end the request before anyone awaits it.
      const stillHeld = h.post('/pie/psdService/renditionCreate', rendition(h, 'at-close')).then(
        () => 'answered',
        (err: unknown) => `refused: ${String(err)}`,
      );
      await waitFor(() => jobFor(h, 'at-close'), { timeoutMs: 5000, what: 'the second job' });
      const closing = Date.now();
      await h.close();
      expect(Date.now() - closing).toBeLessThan(5000);
      expect(await stillHeld).toMatch(/^refused: .*fetch failed/);
    } finally {
      await h.close();
    }
  });
});
