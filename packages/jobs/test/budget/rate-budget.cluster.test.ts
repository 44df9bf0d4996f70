import { guardAgainstLeaks, startRedisServer, waitFor, type RedisServer } from '@darkroom/testing';
import { Cluster, Redis } from 'ioredis';
import { RateBudget } from '../../src/budget';

guardAgainstLeaks(10_000);

/**
 * A real three-node Redis Cluster: the budget's scripts must find both keys of an account+class in
 * one slot, and load themselves on whichever node serves that slot.
 */
describe('RateBudget on a Redis Cluster', () => {
  const servers: RedisServer[] = [];
  const clusters: Cluster[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      servers.push(
        await startRedisServer({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-node-timeout',
            '2000',
            '--appendonly',
            'no',
          ],
        }),
      );
    }
    const nodes = servers.map((s) => new Redis(s.url, { maxRetriesPerRequest: 1 }));
    try {
      const ranges: [number, number][] = [
        [0, 5460],
        [5461, 10922],
        [10923, 16383],
      ];
      await Promise.all(nodes.map((n, i) => n.call('CLUSTER', 'ADDSLOTSRANGE', ...ranges[i]!)));
      for (const server of servers.slice(1)) {
        await nodes[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(server.port));
      }
      await waitFor(
        async () => {
          const infos = await Promise.all(nodes.map((n) => n.call('CLUSTER', 'INFO')));
          return infos.every((info) => String(info).includes('cluster_state:ok'));
        },
        { timeoutMs: 20_000, what: 'the cluster to agree on its slots' },
      );
    } finally {
      await Promise.all(nodes.map((n) => n.quit()));
    }
  }, 40_000);

  afterAll(async () => {
    await Promise.allSettled(clusters.map((c) => c.quit()));
    await Promise.allSettled(servers.map((s) => s.close()));
  });

  const connect = (): Cluster => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: servers[0]!.port }], {
      redisOptions: { maxRetriesPerRequest: 1 },
    });
    clusters.push(cluster);
    return cluster;
  };

  it('enforces each account limit across connections, with both keys in one slot', async () => {
    const a = connect();
    const b = connect();
    const policies = { submit: { windows: [{ limit: 5, windowMs: 20_000 }] } };
    const budgets = [a, b].map(
      (redis) => new RateBudget({ redis, prefix: 'budget-cluster', policies }),
    );
    const accounts = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark'];
    await Promise.all(
      accounts.map(async (account) => {
        const results = await Promise.all(
          Array.from({ length: 16 }, (_, i) => budgets[i % 2]!.tryTake(account, 'submit')),
        );
        expect(results.filter((r) => r.granted)).toHaveLength(5);
      }),
    );

    const slots = new Set<number>();
    for (const account of accounts) {
      const log = `budget-cluster:{${account}:submit}:log`;
      const aimd = `budget-cluster:{${account}:submit}:aimd`;
      const slot = Number(await a.call('CLUSTER', 'KEYSLOT', log));
      expect(Number(await a.call('CLUSTER', 'KEYSLOT', aimd))).toBe(slot);
      expect(await a.exists(log)).toBe(1);
      slots.add(slot);
    }
    // Without a hash tag in the prefix, accounts spread over slots (and so over nodes).
    expect(slots.size).toBeGreaterThan(1);
  });

  it('pauses an account for every connection after a 429', async () => {
    const a = connect();
    const b = connect();
    const policies = { status: { windows: [{ limit: 50, windowMs: 3_000 }] } };
    const one = new RateBudget({ redis: a, prefix: '{darkroom}:budget-cluster', policies });
    const other = new RateBudget({ redis: b, prefix: '{darkroom}:budget-cluster', policies });
    await one.penalize('acme', 'status', 5_000);
    expect(await other.tryTake('acme', 'status')).toMatchObject({
      granted: false,
      reason: 'paused',
    });
    expect((await other.state('acme', 'status')).effectiveFraction).toBe(0.5);
  });
});
