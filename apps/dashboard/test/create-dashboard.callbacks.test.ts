import request from 'supertest';
import { CallbackDispatcher } from '@darkroom/callbacks';
import { guardAgainstLeaks, redisClient, redisUrl, uniqueName } from '@darkroom/testing';
import { createDashboard, dashboardConfigFromEnv, type Dashboard } from '../src';

guardAgainstLeaks();

const PREFIX = '{darkroom-test}';

describe('the callbacks queue on the dashboard', () => {
  it('is added beside the configured queues and their runs queues, unless listed or set empty', () => {
    const users = { DASHBOARD_USERS: 'v:p:viewer' };
    expect(dashboardConfigFromEnv(users).dashboard.queues).toEqual([
      'edits',
      'edits-runs',
      'callbacks',
    ]);
    expect(
      dashboardConfigFromEnv({ ...users, DARKROOM_CALLBACK_QUEUE: 'hooks' }).dashboard.queues,
    ).toEqual(['edits', 'edits-runs', 'hooks']);
    expect(
      dashboardConfigFromEnv({ ...users, DARKROOM_QUEUES: 'callbacks,edits' }).dashboard.queues,
    ).toEqual(['callbacks', 'edits', 'edits-runs']);
    expect(
      dashboardConfigFromEnv({ ...users, DARKROOM_CALLBACK_QUEUE: '' }).dashboard.queues,
    ).toEqual(['edits', 'edits-runs']);
  });

  describe('a queued delivery', () => {
    const queueName = uniqueName('callbacks');
    const redis = redisClient();
    let callbacks: CallbackDispatcher;
    let dashboard: Dashboard;
    let deliveryId = '';

    beforeAll(async () => {
      callbacks = new CallbackDispatcher({
        connection: redis,
        prefix: PREFIX,
        queueName,
        worker: false,
      });
      ({ deliveryId } = await callbacks.enqueue({
        editId: 'edit-1',
        url: 'https://app.example.com/hooks/darkroom?token=plantedAppToken',
        type: 'edit.completed',
        data: { id: 'edit-1', state: 'completed' },
      }));
      dashboard = createDashboard({
        redis: redisUrl(),
        queues: ['edits', queueName],
        prefix: PREFIX,
        auth: { mode: 'basic', users: [{ username: 'v', password: 'p', role: 'viewer' }] },
      });
    });
    afterAll(async () => {
      await dashboard?.close();
      await callbacks?.queue.obliterate({ force: true });
      await callbacks?.close();
      const left = await redis.keys(`${PREFIX}:${queueName}:*`);
      if (left.length > 0) await redis.del(...left);
      redis.disconnect();
    });

    it('is listed, read-only for viewers, its URL without the query', async () => {
      const queues = await request(dashboard.app).get('/api/queues').auth('v', 'p');
      expect(queues.status).toBe(200);
      const names = (queues.body as { queues: { name: string; readOnlyMode: boolean }[] }).queues;
      expect(names.find((q) => q.name === queueName)).toMatchObject({ readOnlyMode: true });
      const job = await request(dashboard.app)
        .get(`/api/queues/${encodeURIComponent(queueName)}/${deliveryId}`)
        .auth('v', 'p');
      expect(job.status).toBe(200);
      expect(job.text).toContain('app.example.com/hooks/darkroom');
      expect(job.text).not.toContain('plantedAppToken');
    });
  });
});
