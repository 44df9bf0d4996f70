import { QueueEvents } from 'bullmq';
import { CloseError } from '@darkroom/core';
import { guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { EditQueue } from '../src';

// Fails the file when a connection is left open, so each test also shows that a failed step
// did not keep the others from closing.
guardAgainstLeaks();

/** Lets `close()` of the events listeners do its real work, then fail with `failure`. */
function failEventsClose(failure: Error): void {
  // Taken before the spy replaces it, and called with each listener as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const realClose = QueueEvents.prototype.close;
  jest.spyOn(QueueEvents.prototype, 'close').mockImplementation(async function (this: QueueEvents) {
    await realClose.call(this);
    throw failure;
  });
}

/** Lets `edits.queue.close()` do its real work, then fail with `failure`. */
function failQueueClose(edits: EditQueue, failure: Error): void {
  const realClose = edits.queue.close.bind(edits.queue);
  jest.spyOn(edits.queue, 'close').mockImplementation(async () => {
    await realClose();
    throw failure;
  });
}

/** Opens the shared events connection, as a long-poll does, and waits until it listens. */
async function holdEvents(edits: EditQueue): Promise<void> {
  edits.holdFinishEvents();
  await waitFor(async () => (await edits.queue.getQueueEvents()).length === 1, {
    what: 'the events connection',
  });
}

describe('EditQueue.close', () => {
  let edits: EditQueue;
  beforeEach(() => {
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('edits') });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await edits.close().catch(() => undefined);
  });

  it('reports an events connection that failed to close, and still closes the rest', async () => {
    await holdEvents(edits);
    const failure = new Error('events connection would not close');
    failEventsClose(failure);

    await expect(edits.close()).rejects.toBe(failure);
  });

  it('reports every failure, not just the first', async () => {
    await holdEvents(edits);
    failQueueClose(edits, new Error('queue would not close'));
    failEventsClose(new Error('events connection would not close'));

    const err = await edits.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloseError);
    expect((err as CloseError).errors.map((e: Error) => e.message).sort()).toEqual([
      'events connection would not close',
      'queue would not close',
    ]);
  });

  it('gives a second caller the same promise', async () => {
    const first = edits.close();
    expect(edits.close()).toBe(first);
    await first;
  });
});
