import { createServer } from 'node:net';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { createDashboard, DashboardOptionsError } from '../src';
import { PREFIX } from './seed-queue';

guardAgainstLeaks();

const auth = {
  mode: 'basic' as const,
  users: [{ username: 'v', password: 'p', role: 'viewer' as const }],
};

describe('createDashboard lifecycle', () => {
  it('rejects options it cannot start with, naming the option', () => {
    expect(() => createDashboard({ redis: redisUrl(), queues: [], prefix: PREFIX, auth })).toThrow(
      new DashboardOptionsError('queues: at least one queue name is required'),
    );
    expect(() =>
      createDashboard({ redis: redisUrl(), queues: ['q'], prefix: PREFIX, auth, basePath: 'ops' }),
    ).toThrow('basePath: must start with "/"');
  });

  it('rejects listen on a taken port, can listen again, and still closes cleanly', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const taken = typeof address === 'object' && address !== null ? address.port : 0;
    const dashboard = createDashboard({
      redis: redisUrl(),
      queues: [uniqueName('darkroom-edits')],
      prefix: PREFIX,
      auth,
      basePath: '/ops/',
    });
    try {
      await expect(dashboard.listen(taken)).rejects.toThrow(/EADDRINUSE/);
      const { url } = await dashboard.listen(0);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ops\/$/);
      const res = await fetch(url);
      expect(res.status).toBe(401);
      await res.arrayBuffer();
    } finally {
      await dashboard.close();
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
