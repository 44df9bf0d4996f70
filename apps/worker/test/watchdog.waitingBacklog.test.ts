import { Queue } from 'bullmq';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { waitingBacklog } from '../src/watchdog';

guardAgainstLeaks();

describe('waitingBacklog', () => {
  let queue: Queue;
  beforeAll(() => {
    queue = new Queue(uniqueName('backlog'), {
      connection: { url: redisUrl() },
      prefix: '{darkroom}',
    });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('counts waiting and prioritized jobs, not delayed ones, which no consumer may take yet', async () => {
    expect(await waitingBacklog(queue)).toBe(0);
    await queue.add('edit', {});
    await queue.add('edit', {});
    await queue.add('edit', {}, { priority: 5 });
    await queue.add('edit', {}, { delay: 600_000 });
    expect(await waitingBacklog(queue)).toBe(3);
  });

  it('counts nothing while the queue is paused, though its jobs stay in the wait list', async () => {
    await queue.pause();
    expect(await queue.getWaitingCount()).toBe(2);
    expect(await waitingBacklog(queue)).toBe(0);
    await queue.resume();
    expect(await waitingBacklog(queue)).toBe(3);
  });
});
