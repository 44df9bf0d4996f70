import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { guardAgainstLeaks, redisClient, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import {
  EditQueue,
  EditSearchError,
  RemoteEventStore,
  createWorkerConnection,
  parseEditSearchParams,
  searchEdits,
  type EditJobData,
  type EditJobResult,
  type EditJobStatus,
  type EditSearchPage,
  type EditSearchQuery,
} from '../src';

guardAgainstLeaks();

/** An edit named `name`: its input and output name it, so the test worker knows what to do. */
const edit = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  operation: 'renditionCreate',
  input: `s3://darkroom-in/search/${name}.psd`,
  outputs: [{ ref: `s3://darkroom-out/search/${name}.jpg`, type: 'image/jpeg' }],
  ...extra,
});

const nameOf = (data: EditJobData): string =>
  /search\/(.*)\.psd$/.exec(data.request.input ?? '')?.[1] ?? '';

function result(name: string): EditJobResult {
  const now = Date.now();
  return {
    outputs: [{ ref: `s3://darkroom-out/search/${name}.jpg`, size: 10 }],
    polls: 1,
    submits: 1,
    confirmedBy: 'status',
    timings: {
      enqueuedAt: now,
      startedAt: now,
      submittedAt: now,
      remoteFinishedAt: now,
      completedAt: now,
      queuedMs: 0,
      remoteMs: 0,
      detectionLagMs: 0,
    },
  };
}

/** Every page of a search, following cursors; fails past `maxPages`. */
async function allPages(
  edits: EditQueue,
  query: EditSearchQuery,
  maxPages = 100,
): Promise<EditSearchPage[]> {
  const pages: EditSearchPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await edits.list({ ...query, ...(cursor ? { cursor } : {}) });
    pages.push(page);
    cursor = page.cursor;
    if (pages.length > maxPages) throw new Error('the search did not end');
  } while (cursor);
  return pages;
}

const ids = (items: readonly EditJobStatus[]) => items.map((i) => i.id);

describe('searchEdits and EditQueue.list (real Redis, real BullMQ worker)', () => {
  const queueName = uniqueName('search');
  let fair: EditQueue;
  let plain: EditQueue;
  let redis: Redis;
  let worker: Worker<EditJobData, EditJobResult>;
  let workerConnection: ReturnType<typeof createWorkerConnection>;
  let release: () => void = () => undefined;
  /** Job id by edit name. */
  const id: Record<string, string> = {};
  let secondPhase = 0;

  beforeAll(async () => {
    redis = redisClient();
    fair = new EditQueue({ connection: redisUrl(), queueName, fair: true });
    plain = new EditQueue({ connection: redisUrl(), queueName });
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Edits that take the worker's paths: completed (with an Adobe job id), failed, held
    // active, handed back delayed.
    const first: [string, Record<string, unknown>][] = [
      ['done-1', { tenant: 'shop-a' }],
      ['done-2', { tenant: 'shop-a', operation: 'autoTone' }],
      ['done-3', {}],
      ['fail-1', { tenant: 'shop-b' }],
      ['later-1', {}],
      // Last: it holds the worker's only slot, so nothing enqueued after it is taken.
      ['hold-1', { tenant: 'shop-b' }],
    ];
    for (const [name, extra] of first) {
      id[name] = (await plain.enqueue(edit(name, extra))).id;
    }
    workerConnection = createWorkerConnection(redisUrl());
    worker = new Worker<EditJobData, EditJobResult>(
      queueName,
      async (job: Job<EditJobData, EditJobResult>, token?: string) => {
        const name = nameOf(job.data);
        if (name.startsWith('done')) {
          await job.updateData({ ...job.data, remoteJobId: `adobe-${name}` });
          return result(name);
        }
        if (name.startsWith('fail')) throw new UnrecoverableError('remote_failed: it broke');
        if (name.startsWith('later')) {
          await job.moveToDelayed(Date.now() + 3_600_000, token);
          throw new DelayedError();
        }
        await held;
        return result(name);
      },
      { connection: workerConnection, prefix: plain.prefix, concurrency: 1 },
    );
    worker.on('error', () => undefined);
    await waitFor(
      async () => {
        const counts = await plain.counts();
        return counts.completed === 3 && counts.failed === 1 && counts.active === 1
          ? counts.delayed === 1
          : false;
      },
      { what: 'the first edits to reach their states' },
    );
    // The next edits stay waiting, in the list or parked: the worker's slot is held.
    secondPhase = Date.now();
    id['queued-1'] = (await plain.enqueue(edit('queued-1', { tenant: 'shop-a' }))).id;
    id['parked-1'] = (
      await fair.enqueue(edit('parked-1', { tenant: 'shop-a', account: 'acme' }))
    ).id;
    id['parked-2'] = (
      await fair.enqueue(
        edit('parked-2', { callback: { url: 'https://app.example.com/hooks?token=secret' } }),
      )
    ).id;
  });

  afterAll(async () => {
    release();
    await worker?.close();
    workerConnection?.disconnect();
    const left = await redis.keys(`${plain.prefix}:${queueName}:*`);
    if (left.length > 0) await redis.del(...left);
    await fair?.close();
    await plain?.close();
    redis.disconnect();
  });

  it('lists every edit: not ended first (active, waiting, parked, delayed), then ended ones newest first', async () => {
    const page = await plain.list({ limit: 500 });
    expect(page.cursor).toBeUndefined();
    const states = Object.fromEntries(page.items.map((i) => [i.id, i.state]));
    expect(states).toEqual({
      [id['hold-1']!]: 'active',
      [id['queued-1']!]: 'waiting',
      [id['parked-1']!]: 'waiting',
      [id['parked-2']!]: 'waiting',
      [id['later-1']!]: 'delayed',
      [id['done-1']!]: 'completed',
      [id['done-2']!]: 'completed',
      [id['done-3']!]: 'completed',
      [id['fail-1']!]: 'failed',
    });
    const order = page.items.map((i) => i.state);
    expect(order.slice(0, 5)).toEqual(['active', 'waiting', 'waiting', 'waiting', 'delayed']);
    const ended = page.items.slice(5);
    const finished = ended.map((i) => i.finishedAt ?? 0);
    expect(finished).toEqual([...finished].sort((a, b) => b - a));
    // Each item is what get() says of that edit.
    for (const item of page.items) {
      expect(item).toEqual(await plain.get(item.id));
    }
  });

  it('shows every edit without a URL: a callback as origin and path only', async () => {
    const { items } = await plain.list({ limit: 500 });
    const parked = items.find((i) => i.id === id['parked-2']);
    expect(parked?.callback).toEqual({ target: 'https://app.example.com/hooks' });
    expect(JSON.stringify(items)).not.toMatch(/token=|secret/);
  });

  it('filters by state, a list of states, tenant (default: none named), operation and account', async () => {
    const sorted = (names: string[]) => names.map((n) => id[n]!).sort();
    const found = async (query: EditSearchQuery) => ids((await plain.list(query)).items).sort();
    expect(await found({ states: ['failed'] })).toEqual(sorted(['fail-1']));
    expect(await found({ states: ['waiting'] })).toEqual(
      sorted(['queued-1', 'parked-1', 'parked-2']),
    );
    expect(await found({ states: ['active', 'delayed'] })).toEqual(sorted(['hold-1', 'later-1']));
    expect(await found({ tenant: 'shop-a' })).toEqual(
      sorted(['done-1', 'done-2', 'queued-1', 'parked-1']),
    );
    expect(await found({ tenant: 'default' })).toEqual(sorted(['done-3', 'later-1', 'parked-2']));
    expect(await found({ operation: 'autoTone' })).toEqual(sorted(['done-2']));
    expect(await found({ account: 'acme' })).toEqual(sorted(['parked-1']));
    expect(await found({ tenant: 'shop-a', states: ['completed'] })).toEqual(
      sorted(['done-1', 'done-2']),
    );
    expect(await found({ tenant: 'nobody' })).toEqual([]);
  });

  it('finds the edit whose submit created an Adobe job, by scanning or through the events index', async () => {
    const scanned = await plain.list({ adobeJobId: 'adobe-done-2' });
    expect(ids(scanned.items)).toEqual([id['done-2']]);
    expect(scanned.items[0]?.remoteJobId).toBe('adobe-done-2');
    expect((await plain.list({ adobeJobId: 'adobe-none' })).items).toEqual([]);

    // With Adobe's job events on, the workers note which edit submitted each Adobe job: one
    // read answers, where a scan of one entry could not reach the completed edit.
    const events = new RemoteEventStore({ redis, prefix: plain.prefix, queueName });
    await events.noteSubmitted(id['done-1']!, 'adobe-done-1');
    const indexed = await plain.list({ adobeJobId: 'adobe-done-1', maxScan: 1 });
    expect(ids(indexed.items)).toEqual([id['done-1']]);
    expect(indexed.scanned).toBe(1);
    expect(indexed.cursor).toBeUndefined();
    expect((await plain.list({ adobeJobId: 'adobe-done-1', states: ['failed'] })).items).toEqual(
      [],
    );
    const unindexed = await plain.list({ adobeJobId: 'adobe-done-3', maxScan: 1 });
    expect(unindexed.items).toEqual([]);
    expect(unindexed.cursor).toEqual(expect.any(String));
  });

  it('filters by enqueue time', async () => {
    const { items } = await plain.list({ since: secondPhase });
    expect(ids(items).sort()).toEqual(
      [id['queued-1'], id['parked-1'], id['parked-2']].map(String).sort(),
    );
    expect(items.every((i) => i.enqueuedAt >= secondPhase)).toBe(true);
  });

  it('pages with a cursor: every edit once, in the order of one long page', async () => {
    const whole = ids((await plain.list({ limit: 500 })).items);
    const pages = await allPages(plain, { limit: 2 });
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 2, 2, 1]);
    expect(pages.flatMap((p) => ids(p.items))).toEqual(whole);
    const ended = await allPages(plain, { limit: 1, states: ['completed', 'failed'] });
    expect(ended.flatMap((p) => ids(p.items))).toEqual(whole.slice(5));
  });

  it('bounds the work of a page: short pages with a cursor until the scan reaches the matches', async () => {
    const pages = await allPages(plain, { tenant: 'shop-b', maxScan: 2 });
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.every((p) => p.scanned <= 2)).toBe(true);
    expect(pages.flatMap((p) => ids(p.items)).sort()).toEqual(
      [id['hold-1'], id['fail-1']].map(String).sort(),
    );
  });

  it('refuses a bad limit, a foreign or broken cursor, naming the field and the rule', async () => {
    const refusal = async (query: EditSearchQuery) => {
      const err = await plain.list(query).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EditSearchError);
      const { field, rule } = err as EditSearchError;
      return { field, rule };
    };
    expect(await refusal({ limit: 0 })).toEqual({ field: 'limit', rule: 'range' });
    expect(await refusal({ limit: 501 })).toEqual({ field: 'limit', rule: 'range' });
    const { cursor } = await plain.list({ limit: 1, tenant: 'shop-a' });
    expect(await refusal({ limit: 1, tenant: 'shop-b', cursor: cursor! })).toEqual({
      field: 'cursor',
      rule: 'query_mismatch',
    });
    expect(await refusal({ cursor: 'not-a-cursor' })).toEqual({ field: 'cursor', rule: 'format' });
  });

  it('keeps the first page’s since on later pages', async () => {
    const first = await plain.list({ since: secondPhase, limit: 1 });
    // A later `since` with the cursor changes nothing: the cursor carries the first one.
    const rest = await plain.list({ since: Date.now(), limit: 500, cursor: first.cursor! });
    expect([...ids(first.items), ...ids(rest.items)].sort()).toEqual(
      [id['queued-1'], id['parked-1'], id['parked-2']].map(String).sort(),
    );
  });
});

describe('searchEdits over a large line of parked edits', () => {
  it('reads only the lines of the tenant asked for', async () => {
    const queueName = uniqueName('search-big');
    const edits = new EditQueue({ connection: redisUrl(), queueName, fair: true });
    const redis = redisClient();
    try {
      const big = Array.from({ length: 2_000 }, (_, i) => edit(`big-${i}`, { tenant: 'shop-big' }));
      await edits.enqueueMany(big);
      const small = await edits.enqueueMany(
        [0, 1, 2].map((i) => edit(`small-${i}`, { tenant: 'shop-small' })),
      );
      const target = { queue: edits.queue, redis, prefix: edits.prefix, queueName };
      const page = await searchEdits(target, { tenant: 'shop-small' });
      expect(ids(page.items).sort()).toEqual(small.map((s) => s.id).sort());
      expect(page.scanned).toBe(3);
      // Without the tenant, one page looks at no more than its budget.
      const capped = await searchEdits(target, { operation: 'autoTone', maxScan: 500 });
      expect(capped).toMatchObject({
        items: [],
        scanned: 500,
        cursor: expect.any(String) as string,
      });
      // Newest first within a line: the last enqueued comes first.
      const newest = await searchEdits(target, { tenant: 'shop-big', limit: 3 });
      expect(newest.items.map((i) => i.id)).toEqual(
        (await edits.parked(2_000))
          .filter((j) => j.data.tenant === 'shop-big')
          .map((j) => j.id)
          .slice(-3)
          .reverse(),
      );
    } finally {
      const left = await redis.keys(`${edits.prefix}:${queueName}:*`);
      for (let i = 0; i < left.length; i += 500) await redis.del(...left.slice(i, i + 500));
      await edits.close();
      redis.disconnect();
    }
  });
});

describe('parseEditSearchParams', () => {
  const now = Date.parse('2030-05-08T12:00:00.000Z');
  const refusal = (params: Record<string, unknown>) => {
    try {
      parseEditSearchParams(params, now);
    } catch (err) {
      if (err instanceof EditSearchError) return { field: err.field, rule: err.rule };
      throw err;
    }
    return undefined;
  };

  it('reads text parameters into a query', () => {
    expect(
      parseEditSearchParams(
        {
          state: 'failed, completed',
          tenant: 'shop-1',
          operation: 'autoTone',
          account: 'acme',
          adobeJobId: 'f54e0fcb-1234',
          since: '24h',
          limit: '20',
          cursor: 'abc',
        },
        now,
      ),
    ).toEqual({
      states: ['failed', 'completed'],
      tenant: 'shop-1',
      operation: 'autoTone',
      account: 'acme',
      adobeJobId: 'f54e0fcb-1234',
      since: now - 86_400_000,
      limit: 20,
      cursor: 'abc',
    });
    expect(parseEditSearchParams({ since: '2030-05-01T00:00:00Z' }, now)).toEqual({
      since: Date.parse('2030-05-01T00:00:00Z'),
    });
    expect(parseEditSearchParams({}, now)).toEqual({});
  });

  it('refuses bad values naming the parameter and the rule', () => {
    expect(refusal({ state: 'done' })).toEqual({ field: 'state', rule: 'enum' });
    expect(refusal({ state: 'failed,' })).toEqual({ field: 'state', rule: 'enum' });
    expect(refusal({ tenant: 'a b' })).toEqual({ field: 'tenant', rule: 'format' });
    expect(refusal({ account: '' })).toEqual({ field: 'account', rule: 'format' });
    expect(refusal({ operation: 'paint' })).toEqual({ field: 'operation', rule: 'enum' });
    expect(refusal({ adobeJobId: 'has space' })).toEqual({ field: 'adobeJobId', rule: 'format' });
    expect(refusal({ since: 'yesterday' })).toEqual({ field: 'since', rule: 'format' });
    expect(refusal({ since: '2031-01-01T00:00:00Z' })).toEqual({ field: 'since', rule: 'range' });
    expect(refusal({ limit: 'ten' })).toEqual({ field: 'limit', rule: 'range' });
    expect(refusal({ limit: '0' })).toEqual({ field: 'limit', rule: 'range' });
    expect(refusal({ limit: '501' })).toEqual({ field: 'limit', rule: 'range' });
    expect(refusal({ tenant: ['a', 'b'] })).toEqual({ field: 'tenant', rule: 'format' });
  });
});
