import { Writable } from 'node:stream';
import { guardAgainstLeaks, redisUrl, testJpeg, uniqueName, waitFor } from '@darkroom/testing';
import { startStack, type StackFixture } from '@darkroom/testing/stack';
import { startProducer, type RunningProducer } from '../src';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';
import { DarkroomApiError, DarkroomClient, type EditEvent, type EditJob } from '@darkroom/client';

guardAgainstLeaks();

const TOKEN = 'client-e2e-token';
const quiet = new Writable({ write: (_chunk, _enc, done) => done() });

/**
 * A fetch that cuts the first event stream it sees right after its first event, as a proxy or
 * a network drop would, and records the `Last-Event-ID` of every events request.
 */
function droppingFetch(): {
  fetch: (req: Request) => Promise<Response>;
  lastIds: (string | null)[];
} {
  const lastIds: (string | null)[] = [];
  let dropped = false;
  const fetchOnce = async (req: Request): Promise<Response> => {
    const res = await fetch(req);
    if (!req.url.endsWith('/events') || res.status !== 200 || !res.body) return res;
    lastIds.push(req.headers.get('last-event-id'));
    if (dropped) return res;
    dropped = true;
    const upstream: ReadableStreamDefaultReader<Uint8Array> = (
      res.body as ReadableStream<Uint8Array>
    ).getReader();
    let seen = '';
    const cut = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await upstream.read();
        if (done) return controller.close();
        seen += new TextDecoder().decode(value);
        controller.enqueue(value);
        if (/event: status\n[^\n]*\n\n/.test(seen)) {
          await upstream.cancel();
          controller.error(new Error('connection dropped'));
        }
      },
    });
    return new Response(cut, { status: res.status, headers: res.headers });
  };
  return { fetch: fetchOnce, lastIds };
}

describe('DarkroomClient against a real producer, worker and emulator', () => {
  let stack: StackFixture<DarkroomWorker>;
  let producer: RunningProducer;
  let client: DarkroomClient;
  let baseUrl = '';
  let input = '';
  let outBucket = '';
  const tenant = uniqueName('tenant')
    .replace(/[^A-Za-z0-9-]/g, '')
    .slice(0, 60);

  beforeAll(async () => {
    stack = await startStack({
      redis: { url: redisUrl() },
      emulator: { limits: false },
      timeFactor: 0.001,
      client: { clientId: 'client-e2e', clientSecret: 'client-e2e-secret-value' },
      queue: { queueName: uniqueName('edits'), backoffMs: 50 },
      startWorker: (workerEnv) =>
        createWorker(parseWorkerConfig(workerEnv), { logDestination: quiet }),
      env: { WORKER_DRAIN_TIMEOUT_MS: '5000', API_TIMEOUT_MS: '5000', LOG_LEVEL: 'silent' },
    });
    producer = await startProducer({
      ...stack.env,
      PRODUCER_TOKENS: TOKEN,
      PRODUCER_HOST: '127.0.0.1',
      PRODUCER_PORT: '0',
      PRODUCER_METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    baseUrl = `http://127.0.0.1:${producer.port}`;
    client = new DarkroomClient({ baseUrl, token: TOKEN });
    await stack.startWorker();
    const [inBucket, out] = stack.buckets as [string, string];
    outBucket = out;
    input = `s3://${inBucket}/${uniqueName('client')}/input.jpg`;
    await stack.storage.upload(input, await testJpeg(), 'image/jpeg');
  });
  afterAll(async () => {
    await producer?.close();
    await stack?.close();
  });

  const rendition = (from = input): EditJob => ({
    operation: 'renditionCreate',
    input: from,
    outputs: [{ ref: `s3://${outBucket}/${uniqueName('out')}.jpg`, type: 'image/jpeg', width: 64 }],
    tenant,
  });

  it('enqueues, follows the events and waits until the edit has completed', async () => {
    const { id, duplicate } = await client.enqueue(rendition());
    expect(duplicate).toBe(false);
    const events: EditEvent[] = [];
    const following = (async () => {
      for await (const event of client.events(id)) events.push(event);
    })();
    const done = await client.wait(id, { timeoutMs: 60_000 });
    expect(done).toMatchObject({ id, state: 'completed' });
    expect(done.result?.outputs?.[0]?.size).toBeGreaterThan(0);
    await following;
    expect(events.at(-1)).toMatchObject({ type: 'end', state: 'completed' });
    expect((await client.get(id)).state).toBe('completed');
  });

  it('resumes a dropped event stream with Last-Event-ID, without repeating an event', async () => {
    const dropping = droppingFetch();
    const resuming = new DarkroomClient({
      baseUrl,
      token: TOKEN,
      fetch: dropping.fetch,
    });
    const { id } = await resuming.enqueue(rendition());
    const events: EditEvent[] = [];
    for await (const event of resuming.events(id, { reconnectDelayMs: 10 })) events.push(event);

    const [first] = events;
    expect(first).toMatchObject({ type: 'status' });
    // The second connection named the event the first one ended on.
    expect(dropping.lastIds.slice(0, 2)).toEqual([null, first?.type === 'status' ? first.id : '']);
    const ids = events.map((e) => ('id' in e ? e.id : e.type));
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.at(-1)).toMatchObject({ type: 'end', state: 'completed' });
  });

  it('lists edits page after page, following the cursor', async () => {
    const ids = new Set<string>();
    for await (const page of client.list({ tenant, limit: 1 })) {
      expect(page.items.length).toBeLessThanOrEqual(1);
      for (const item of page.items) ids.add(item.id);
    }
    // Every edit of the tenant the earlier tests enqueued, one page each.
    expect(ids.size).toBeGreaterThanOrEqual(2);
    for await (const page of client.list({ tenant, state: ['completed', 'failed'] })) {
      expect(page.items.every((i) => i.tenant === tenant)).toBe(true);
    }
  });

  it('retries a failed edit, and refuses to retry or cancel what it cannot', async () => {
    const { id } = await client.enqueue(rendition(`${input}.missing.jpg`));
    const failed = await client.wait(id, { timeoutMs: 60_000 });
    expect(failed.state).toBe('failed');
    const cancel = await client.cancel(id).catch((err: unknown) => err);
    expect(cancel).toBeInstanceOf(DarkroomApiError);
    expect(cancel).toMatchObject({ status: 409, code: 'already_finished' });

    const retried = await client.retry(id);
    expect(retried.id).toBe(id);
    await waitFor(async () => ((await client.get(id)).retries ?? 0) >= 1, { what: 'the retry' });

    const missing = await client.get('no-such-edit').catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(DarkroomApiError);
    expect((missing as DarkroomApiError).problem).toMatchObject({
      type: 'https://darkroom.dev/problems/not_found',
      status: 404,
      instance: '/v1/edits/no-such-edit',
    });
  });

  it('enqueues a batch, reads it until done, and names the field of an invalid job', async () => {
    const batch = await client.enqueueBatch([rendition(), rendition()]);
    expect(batch.results).toHaveLength(2);
    await waitFor(async () => (await client.batch(batch.batchId)).done, { what: 'the batch' });
    expect(await client.batch(batch.batchId)).toMatchObject({ total: 2, done: true });

    // The types refuse a job without outputs; sent anyway, the producer names the field.
    const noOutputs = { operation: 'renditionCreate', input, tenant } as unknown as EditJob;
    const refused = await client
      .enqueueBatch([rendition(), noOutputs])
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DarkroomApiError);
    expect((refused as DarkroomApiError).code).toBe('invalid_request');
    expect((refused as DarkroomApiError).issues).toContainEqual(
      expect.objectContaining({ path: 'jobs[1].outputs' }),
    );
  });
});
