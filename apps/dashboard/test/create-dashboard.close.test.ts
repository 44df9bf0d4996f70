import { CloseError } from '@darkroom/core';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { Queue } from 'bullmq';
import { createDashboard, type Dashboard } from '../src';
import { PREFIX } from './seed-queue';

// Fails the file when the server or the Redis connection is left open, so each test also shows
// that a failed queue did not keep the rest from closing.
guardAgainstLeaks();

const auth = {
  mode: 'basic' as const,
  users: [{ username: 'v', password: 'p', role: 'viewer' as const }],
};

/** Lets the next queues close for real, then fail with the given errors, one per queue. */
function failQueueCloses(...failures: Error[]): jest.SpyInstance {
  // Taken before the spy replaces it, and called with each queue as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const realClose = Queue.prototype.close;
  const spy = jest.spyOn(Queue.prototype, 'close');
  for (const failure of failures) {
    spy.mockImplementationOnce(async function (this: Queue) {
      await realClose.call(this);
      throw failure;
    });
  }
  return spy;
}

describe('Dashboard.close', () => {
  let dashboard: Dashboard;
  let url: string;
  beforeEach(async () => {
    dashboard = createDashboard({
      redis: redisUrl(),
      queues: [uniqueName('darkroom-edits'), uniqueName('darkroom-edits')],
      prefix: PREFIX,
      auth,
    });
    ({ url } = await dashboard.listen(0));
    // One read through the board, so the queues and their shared connection are up and in use.
    const res = await fetch(`${url}api/queues`, {
      headers: { authorization: `Basic ${Buffer.from('v:p').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await dashboard.close().catch(() => undefined);
  });

  it('rejects with a queue that failed to close, and still closes the rest', async () => {
    const failure = new Error('queue would not close');
    const queueClose = failQueueCloses(failure);

    await expect(dashboard.close()).rejects.toBe(failure);
    expect(queueClose).toHaveBeenCalledTimes(2);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('reports every failure, not just the first', async () => {
    failQueueCloses(new Error('first queue failed'), new Error('second queue failed'));

    const err = await dashboard.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloseError);
    expect((err as CloseError).errors.map((e: Error) => e.message)).toEqual([
      'first queue failed',
      'second queue failed',
    ]);
  });
});
