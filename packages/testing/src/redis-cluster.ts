import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { freePort } from './ports';
import { startRedisServer, type RedisServer } from './redis';
import { waitFor } from './wait';

const run = promisify(execFile);

export interface RedisClusterFixture {
  /** Seed nodes as `host:port`. */
  nodes: string[];
  servers: RedisServer[];
  close(): Promise<void>;
}

/**
 * Starts a Redis Cluster of `masters` nodes (no replicas) on free loopback ports, joined with
 * `redis-cli --cluster create`, and waits until every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterFixture> {
  const servers: RedisServer[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      const busPort = await freePort();
      servers.push(
        await startRedisServer({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-port',
            String(busPort),
          ],
        }),
      );
    }
    const nodes = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitFor(
      async () => {
        for (const server of servers) {
          const { stdout } = await run('redis-cli', ['-p', String(server.port), 'cluster', 'info']);
          if (!stdout.includes('cluster_state:ok')) return false;
        }
        return true;
      },
      { timeoutMs: 20_000, what: 'cluster_state:ok on every node' },
    );
    let closing: Promise<void> | undefined;
    return {
      nodes,
      servers,
      close: () => (closing ??= Promise.all(servers.map((s) => s.close())).then(() => undefined)),
    };
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
}

/** A cluster client for assertions; the caller disconnects it. */
export function redisClusterClient(nodes: string[]): Cluster {
  return new Cluster(
    nodes.map((n) => ({ host: n.split(':')[0]!, port: Number(n.split(':')[1]) })),
    { redisOptions: { maxRetriesPerRequest: 1 } },
  );
}
