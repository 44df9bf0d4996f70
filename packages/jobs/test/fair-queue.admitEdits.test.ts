import { guardAgainstLeaks, redisClient, uniqueName } from '@darkroom/testing';
import type { Redis } from 'ioredis';
import {
  admitEdits,
  fairBacklog,
  FairGate,
  FairKeys,
  parkEdits,
  priorityHandicap,
  unparkEdit,
  type AdmitRequest,
  type ParkedEdit,
} from '../src';

guardAgainstLeaks();

const PREFIX = '{fair-test}';
const T0 = 1_800_000_000_000;

describe('fair admission (real Redis)', () => {
  let redis: Redis;
  let keys: FairKeys;
  let queueName: string;
  beforeEach(() => {
    redis = redisClient();
    queueName = uniqueName('fair');
    keys = new FairKeys(PREFIX, queueName);
  });
  afterEach(async () => {
    const left = await redis.keys(`${PREFIX}:${queueName}:*`);
    if (left.length > 0) await redis.del(...left);
    redis.disconnect();
  });

  /** Edits as an enqueue leaves them before parking: a job hash (added at `at`) and delayed. */
  type Added = ParkedEdit & { at: number };
  const edits = (tenant: string, n: number, account = 'acme', priority?: number): Added[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `${tenant}-${i}`,
      account,
      tenant,
      priority,
      at: T0 + i,
    }));

  async function park(list: readonly Added[], fresh = true): Promise<number> {
    const add = redis.pipeline();
    for (const e of list) {
      add.hset(`${keys.job}${e.id}`, 'timestamp', e.at);
      add.zadd(keys.delayed, (e.at + 1_800_000) * 0x1000, e.id);
    }
    await add.exec();
    return parkEdits(redis, keys, list, { fresh });
  }

  const request = (over: Partial<AdmitRequest> = {}): AdmitRequest => ({
    domain: 'org.acme',
    accounts: ['acme'],
    window: 1,
    defaults: { weight: 1, maxInFlight: 0 },
    tenants: {},
    ...over,
  });

  /** Admits one at a time, as a submit frees each place, and returns the tenants in order. */
  async function admitInTurn(n: number, req: AdmitRequest): Promise<string[]> {
    const gate = new FairGate(redis, PREFIX, queueName);
    const order: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const [admitted] = (await admitEdits(redis, keys, req)).admitted;
      if (!admitted) break;
      order.push(admitted.tenant);
      await gate.submitted(admitted.id, req.domain);
    }
    return order;
  }

  it('shares admissions by weight between tenants with waiting edits (2:1:1)', async () => {
    await park([...edits('a', 500), ...edits('c', 500), ...edits('d', 500)]);
    const order = await admitInTurn(
      400,
      request({ tenants: { a: { weight: 2, maxInFlight: 0 } } }),
    );
    const share = (t: string) => order.filter((x) => x === t).length / order.length;
    expect(order).toHaveLength(400);
    expect(share('a')).toBeCloseTo(0.5, 2);
    expect(share('c')).toBeCloseTo(0.25, 2);
    expect(share('d')).toBeCloseTo(0.25, 2);
  });

  it('takes a newly arrived tenant next, behind a backlog of thousands', async () => {
    await park(edits('a', 5_000));
    await admitInTurn(50, request());
    await park(edits('b', 1));
    expect((await admitInTurn(1, request()))[0]).toBe('b');
  });

  it('orders a tenant by priority with a bounded lead, so an old batch edit is not starved', async () => {
    const edit = (id: string, at: number, priority?: number): Added => ({
      id,
      account: 'acme',
      tenant: 't',
      priority,
      at,
    });
    const batch = edit('old-batch', T0);
    const urgent = edit('urgent', T0 + 1_000, 1);
    const lateBatch = edit('late-batch', T0 + 1_000);
    const veryLateUrgent = edit('very-late-urgent', T0 + 3_600_000, 1);
    // Each line keeps the order edits were parked in: the order of their enqueue.
    await park([batch, urgent, lateBatch, veryLateUrgent]);
    const ids = (await admitEdits(redis, keys, request({ window: 10 }))).admitted.map((e) => e.id);
    // The interactive edit goes before batch edits that have waited less than its lead; a batch
    // edit an hour old goes before an interactive edit that just arrived.
    expect(ids).toEqual(['urgent', 'old-batch', 'late-batch', 'very-late-urgent']);
  });

  it("caps a priority's handicap at an hour, whatever BullMQ's number", () => {
    expect(priorityHandicap(2_000_000)).toBe(3_600_000);
    expect(priorityHandicap(3_601)).toBe(3_600_000);
    expect(priorityHandicap(3_000)).toBe(2_999_000);
  });

  it('passes over a tenant at its in-flight limit until one of its edits ends', async () => {
    await park([...edits('x', 10), ...edits('y', 10)]);
    const gate = new FairGate(redis, PREFIX, queueName);
    const req = request({ window: 100, tenants: { x: { weight: 10, maxInFlight: 2 } } });
    const { admitted: first } = await admitEdits(redis, keys, req);
    expect(first.filter((e) => e.tenant === 'x')).toHaveLength(2);
    expect(first.filter((e) => e.tenant === 'y')).toHaveLength(10);
    await gate.ended('x-0', 'org.acme', 'x');
    const next = await admitEdits(redis, keys, req);
    expect(next).toEqual({ admitted: [{ id: 'x-2', tenant: 'x' }], waiting: true });
  });

  it('admits no more than the window holds until submits free places, and reports the backlog', async () => {
    await park([...edits('a', 30), ...edits('b', 5, 'other-account')]);
    expect(await fairBacklog(redis, { prefix: PREFIX, queueName })).toEqual([
      { tenant: 'a', account: 'acme', waiting: 30 },
      { tenant: 'b', account: 'other-account', waiting: 5 },
    ]);
    const req = request({ window: 8, accounts: ['acme', 'other-account'] });
    expect((await admitEdits(redis, keys, req)).admitted).toHaveLength(8);
    // A full window admits nothing and says edits still wait.
    expect(await admitEdits(redis, keys, req)).toEqual({ admitted: [], waiting: true });
    const gate = new FairGate(redis, PREFIX, queueName);
    expect(await gate.admitted('a-0', 'org.acme')).toBe(true);
    await gate.submitted('a-0', 'org.acme');
    expect(await gate.admitted('a-0', 'org.acme')).toBe(false);
    expect((await admitEdits(redis, keys, req)).admitted).toHaveLength(1);
  });

  it('keeps a parked edit in its line only: out of the delayed set, and back in it, due, once admitted', async () => {
    expect(await park(edits('a', 3))).toBe(3);
    expect(await redis.zcard(keys.delayed)).toBe(0);
    // Parking again finds nothing delayed: no edit is in its line twice.
    expect(await parkEdits(redis, keys, edits('a', 3), { fresh: true })).toBe(0);
    expect(await fairBacklog(redis, { prefix: PREFIX, queueName })).toEqual([
      { tenant: 'a', account: 'acme', waiting: 3 },
    ]);
    const before = Date.now();
    const [admitted] = (await admitEdits(redis, keys, request())).admitted;
    expect(admitted).toEqual({ id: 'a-0', tenant: 'a' });
    const due = Number(await redis.zscore(keys.delayed, 'a-0')) / 0x1000;
    expect(due).toBeGreaterThanOrEqual(before);
    expect(due).toBeLessThanOrEqual(Date.now());
  });

  it('parks at enqueue only edits no worker has taken, and drops a line entry whose job is gone', async () => {
    const [taken, gone, kept] = edits('a', 3);
    await redis.hset(`${keys.job}${taken!.id}`, 'processedOn', T0);
    expect(await park([taken!, gone!, kept!])).toBe(2);
    expect(await redis.zscore(keys.delayed, taken!.id)).not.toBeNull();
    await redis.del(`${keys.job}${gone!.id}`);
    // Nothing is left waiting once the line is empty.
    expect(await admitEdits(redis, keys, request({ window: 5 }))).toEqual({
      admitted: [{ id: kept!.id, tenant: 'a' }],
      waiting: false,
    });
    expect(await redis.zscore(keys.delayed, gone!.id)).toBeNull();
  });

  it('takes a parked edit out of its line for a cancel, due at once', async () => {
    const [first, second] = edits('a', 2, 'acme', 3);
    await park([first!, second!]);
    expect(await unparkEdit(redis, keys, second!)).toBe(true);
    expect(await unparkEdit(redis, keys, second!)).toBe(false);
    expect(await redis.zscore(keys.delayed, second!.id)).not.toBeNull();
    expect(await fairBacklog(redis, { prefix: PREFIX, queueName })).toEqual([
      { tenant: 'a', account: 'acme', waiting: 1 },
    ]);
  });
});
