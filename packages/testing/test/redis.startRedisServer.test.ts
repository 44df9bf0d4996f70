import { Redis } from 'ioredis';
import { createServer } from 'node:net';
import { guardAgainstLeaks, leakedHandles, startRedisServer, uniqueName, waitFor } from '../src';

guardAgainstLeaks();

describe('startRedisServer', () => {
  it('starts a private noeviction Redis that survives a restart on the same port', async () => {
    const server = await startRedisServer({
      args: ['--appendonly', 'yes', '--appendfsync', 'always'],
    });
    const client = new Redis(server.url, { maxRetriesPerRequest: null });
    try {
      const policy = (await client.config('GET', 'maxmemory-policy')) as string[];
      expect(policy[1]).toBe('noeviction');
      const key = uniqueName('k');
      await client.set(key, 'kept');
      await server.stop();
      await server.start();
      await waitFor(async () => (await client.get(key)) === 'kept', {
        what: 'the key after restart',
      });
    } finally {
      client.disconnect();
      await server.close();
    }
  });
});

describe('leakedHandles', () => {
  it('reports a listening server until it is closed', async () => {
    const baseline = new Map<string, number>();
    for (const kind of process.getActiveResourcesInfo())
      baseline.set(kind, (baseline.get(kind) ?? 0) + 1);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    expect(leakedHandles(baseline)).toContain('TCPServerWrap ×1');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await waitFor(() => leakedHandles(baseline).length === 0, { what: 'the server handle to go' });
  });
});
