import { Writable } from 'node:stream';
import type { EditJobResult } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, testJpeg, uniqueName, waitFor } from '@darkroom/testing';
import { startStack, type StackFixture } from '@darkroom/testing/stack';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';
import { startProducer, type RunningProducer } from '../src/start-producer';

guardAgainstLeaks();

const CLIENT = {
  clientId: 'events-e2e',
  clientSecret: 'events-e2e-secret-value',
  orgId: 'EVENTSE2E@AdobeOrg',
};
const TOKEN = 'events-e2e-token';

/** Swallows the worker's log lines. */
const quiet = new Writable({ write: (_chunk, _enc, done) => done() });

describe('Adobe I/O Events end to end: the emulator publishes, the producer receives, edits end without polls', () => {
  let stack: StackFixture<DarkroomWorker>;
  let producer: RunningProducer;
  let input = '';
  let outBucket = '';

  beforeAll(async () => {
    stack = await startStack({
      redis: { url: redisUrl() },
      emulator: { limits: false },
      timeFactor: 0.001,
      client: CLIENT,
      queue: { queueName: uniqueName('edits'), backoffMs: 50 },
      startWorker: (env) => createWorker(parseWorkerConfig(env), { logDestination: quiet }),
      env: {
        WORKER_CONCURRENCY: '20',
        WORKER_DRAIN_TIMEOUT_MS: '5000',
        API_TIMEOUT_MS: '5000',
        LOG_LEVEL: 'silent',
        ADOBE_ORG_ID: CLIENT.orgId,
        DARKROOM_EVENTS: 'on',
        // The worker expects runs of seconds; the emulator's take milliseconds, so only an
        // event can end an edit before its first poll.
        EXPECTED_DURATION_SCALE: '0.5',
      },
    });
    producer = await startProducer({
      ...stack.env,
      PRODUCER_TOKENS: TOKEN,
      PRODUCER_HOST: '127.0.0.1',
      PRODUCER_PORT: '0',
      PRODUCER_METRICS_PORT: '0',
      ADOBE_EVENTS_WEBHOOK: 'on',
      ADOBE_EVENTS_KEY_ORIGIN: stack.emulator!.eventKeyOrigin,
      LOG_LEVEL: 'silent',
    });
    stack.emulator!.setEventWebhooks(`http://127.0.0.1:${producer.port}/v1/adobe-events`);
    await stack.startWorker();
    const [inB, outB] = stack.buckets as [string, string];
    outBucket = outB;
    input = `s3://${inB}/${uniqueName('ev')}/input.jpg`;
    await stack.storage.upload(input, await testJpeg(), 'image/jpeg');
  });
  afterAll(async () => {
    await producer?.close();
    await stack?.close();
  });

  const removeBackground = (name: string) =>
    stack.edits!.enqueue({
      operation: 'v2.removeBackground',
      input,
      outputs: [{ ref: `s3://${outBucket}/${name}.png`, mediaType: 'image/png' }],
    });

  const metric = async (line: string): Promise<number> => {
    const res = await fetch(`http://127.0.0.1:${producer.metricsPort}/metrics`);
    const text = await res.text();
    const found = text.split('\n').find((l) => l.startsWith(line));
    return found ? Number(found.split(' ').pop()) : 0;
  };

  it('ends every edit on its event: confirmed by the event, no status read sent to Adobe', async () => {
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) => removeBackground(uniqueName(`ev${i}`))),
    );
    const done = await Promise.all(
      ids.map(({ id }) => stack.edits!.waitFor(id, { timeout: 30_000 })),
    );
    for (const edit of done) {
      expect(edit.failure).toBeUndefined();
      const result = edit.result as EditJobResult;
      expect(result.confirmedBy).toBe('event');
      expect(result.polls).toBe(0);
      expect(result.submits).toBe(1);
    }
    const remote = new Set(done.map((d) => d.result?.remoteJobId));
    const jobs = stack.emulator!.jobs().filter((j) => remote.has(j.jobId));
    expect(jobs).toHaveLength(6);
    expect(jobs.map((j) => j.statusGets)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await metric('darkroom_adobe_events_total{outcome="edit"}')).toBeGreaterThanOrEqual(6);
  });

  it('a repeated event changes nothing; a dropped one leaves the edit to its poll', async () => {
    stack.emulator!.setFaults({ seed: 7, events: { duplicateRate: 1 } });
    const dup = await removeBackground(uniqueName('dup'));
    const dupDone = await stack.edits!.waitFor(dup.id, { timeout: 30_000 });
    expect(dupDone.result?.confirmedBy).toBe('event');
    await waitFor(
      async () => (await metric('darkroom_adobe_events_total{outcome="duplicate"}')) >= 1,
      {
        what: 'the repeated delivery to be counted',
      },
    );

    stack.emulator!.setFaults({ seed: 7, events: { dropRate: 1 } });
    const lost = await removeBackground(uniqueName('lost'));
    const lostDone = await stack.edits!.waitFor(lost.id, { timeout: 60_000 });
    expect(lostDone.failure).toBeUndefined();
    expect(lostDone.result?.confirmedBy).toBe('status');
    expect(lostDone.result?.polls).toBeGreaterThanOrEqual(1);
    stack.emulator!.setFaults({});
  });

  it('refuses a delivery whose signatures do not verify, and the edit still ends by polling', async () => {
    stack.emulator!.setFaults({ seed: 3, events: { badSignatureRate: 1 } });
    const { id } = await removeBackground(uniqueName('forged'));
    const done = await stack.edits!.waitFor(id, { timeout: 60_000 });
    expect(done.result?.confirmedBy).toBe('status');
    expect(
      await metric('darkroom_adobe_event_deliveries_rejected_total{reason="signature_mismatch"}'),
    ).toBeGreaterThanOrEqual(1);
    stack.emulator!.setFaults({});
  });

  it('a submit answered 502 after Adobe took it is settled by the event naming where it wrote', async () => {
    stack.emulator!.setFaults({ seed: 5, submit: { errorAfterAcceptRate: 1 } });
    const { id } = await removeBackground(uniqueName('ambiguous'));
    const done = await stack.edits!.waitFor(id, { timeout: 60_000 });
    stack.emulator!.setFaults({});
    expect(done.failure).toBeUndefined();
    expect(done.result?.submits).toBe(1);
    expect(done.result?.confirmedBy).toBe('event');
    expect(await metric('darkroom_adobe_events_total{outcome="ambiguous"}')).toBeGreaterThanOrEqual(
      1,
    );
  });
});
