import { guardAgainstLeaks, redisClient, redisUrl, uniqueName } from '@darkroom/testing';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RemoteEventIntake, RemoteEventStore } from '../src';

guardAgainstLeaks();

const PREFIX = '{darkroom-test}';
const SIGNED_PUT = 'https://out.s3.example.com/posters/a.jpg?X-Amz-Signature=s3cr3t';

/** A v2 status document as an I/O event carries it. */
const v2Body = (jobId: string, status: string, outputUrl = SIGNED_PUT) => ({
  jobId,
  status,
  result: { outputs: [{ destination: { url: outputUrl }, mediaType: 'image/jpeg' }] },
  _links: { self: { href: `https://image.adobe.io/v2/status/${jobId}` } },
});

describe('RemoteEventIntake (real Redis, a BullMQ queue)', () => {
  let redis: Redis;
  let queue: Queue;
  let store: RemoteEventStore;
  let intake: RemoteEventIntake;

  beforeEach(() => {
    redis = redisClient();
    const queueName = uniqueName('events');
    queue = new Queue(queueName, { connection: { url: redisUrl() }, prefix: PREFIX });
    store = new RemoteEventStore({ redis, prefix: PREFIX, queueName, healthWindowMs: 60_000 });
    intake = new RemoteEventIntake(queue, store);
  });
  afterEach(async () => {
    intake.close();
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
  });

  const delayedEdit = async (id: string) =>
    queue.add(
      'edit',
      { request: { operation: 'v2.createComposite' } },
      { jobId: id, delay: 600_000 },
    );

  it('ends the wait of the edit that submitted the job, once; later repeats change nothing', async () => {
    await delayedEdit('e1');
    await store.noteSubmitted('e1', 'A1');
    expect(await store.healthy()).toBe(false);

    expect(
      await intake.record([{ eventId: 'x0', jobId: 'A1', body: v2Body('A1', 'running') }]),
    ).toEqual(['not_final']);
    expect(await (await queue.getJob('e1'))!.getState()).toBe('delayed');

    const outcomes = await intake.record([
      { eventId: 'x1', jobId: 'A1', body: v2Body('A1', 'succeeded') },
      { eventId: 'x1', jobId: 'A1', body: v2Body('A1', 'failed') },
    ]);
    expect(outcomes).toEqual(['edit', 'duplicate']);
    expect(await (await queue.getJob('e1'))!.getState()).toBe('waiting');
    const kept = await store.eventOf('A1');
    expect(kept).toMatchObject({
      adobeJobId: 'A1',
      state: 'succeeded',
      statusUrl: 'https://image.adobe.io/v2/status/A1',
    });
    // A new store (another worker) sees events arriving.
    const other = new RemoteEventStore({ redis, prefix: PREFIX, queueName: queue.name });
    expect(await other.healthy()).toBe(true);
  });

  it('ties a lost submit to its edit by the place it wrote, keeping only a digest of the link', async () => {
    await delayedEdit('e2');
    await store.noteIntent('e2', [SIGNED_PUT]);
    // Adobe names the same object with another signature than the one Darkroom sent.
    const echoed = 'https://out.s3.example.com/posters/a.jpg?X-Amz-Signature=other';
    expect(
      await intake.record([
        { eventId: 'x2', jobId: 'B7', body: v2Body('B7', 'succeeded', echoed) },
      ]),
    ).toEqual(['ambiguous']);
    expect(await store.adobeJobOfEdit('e2')).toBe('B7');

    const keys = await redis.keys(`${PREFIX}:${queue.name}:adobe-events:*`);
    const values = await Promise.all(keys.map((k) => redis.get(k)));
    const everything = [...keys, ...values].join('\n');
    expect(everything).not.toContain('s3cr3t');
    expect(everything).not.toContain('posters/a.jpg');
  });

  it('keeps an event about no known edit and reports it unknown', async () => {
    expect(
      await intake.record([{ eventId: 'x3', jobId: 'C9', body: v2Body('C9', 'failed') }]),
    ).toEqual(['unknown']);
    // Should the checkpoint come after the event, the poll still finds what it said.
    expect(await store.eventOf('C9')).toMatchObject({ state: 'failed' });
  });
});
