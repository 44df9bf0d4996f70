import {
  guardAgainstLeaks,
  redisClusterClient,
  startRedisCluster,
  uniqueName,
  type RedisClusterFixture,
} from '@darkroom/testing';
import { startStack, type Stack } from './support/stack';

guardAgainstLeaks();

describe('Darkroom on a three-master Redis Cluster', () => {
  let cluster: RedisClusterFixture;
  let stack: Stack;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    stack = await startStack({
      redis: {
        target: { cluster: cluster.nodes },
        env: { REDIS_CLUSTER_NODES: cluster.nodes.join(',') },
      },
    });
    await stack.startWorker();
  }, 60_000);
  afterAll(async () => {
    await stack.close();
    await cluster.close();
  });

  it('runs jobs end to end, every key under the one hash-tagged slot', async () => {
    const input = `s3://${stack.inBucket}/${uniqueName('in')}.jpg`;
    await stack.put(input, await stack.jpeg(), 'image/jpeg');
    const jobs = Array.from({ length: 20 }, (_, n) => ({
      operation: 'renditionCreate',
      input,
      outputs: [
        {
          ref: `s3://${stack.outBucket}/${uniqueName(`out-${n}`)}.png`,
          type: 'image/png',
          width: 48,
        },
      ],
    }));
    const ids = (await stack.edits.enqueueMany(jobs)).map((r) => r.id);
    const done = await Promise.all(ids.map((id) => stack.edits.waitFor(id, { timeout: 60_000 })));
    expect(done.map((d) => d.state)).toEqual(ids.map(() => 'completed'));

    // Every Darkroom key hashes to the slot of {darkroom}, on one master.
    const client = redisClusterClient(cluster.nodes);
    try {
      const slot = await client.cluster('KEYSLOT', '{darkroom}');
      let keys: string[] = [];
      for (const node of client.nodes('master')) {
        const found = await node.keys(`{darkroom}:${stack.queueName}:*`);
        if (found.length > 0) keys = keys.concat(found);
      }
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys.slice(0, 50)) expect(await client.cluster('KEYSLOT', key)).toBe(slot);
    } finally {
      client.disconnect();
    }
  });
});
