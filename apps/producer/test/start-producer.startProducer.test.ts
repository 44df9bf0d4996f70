import { Server } from 'node:http';
import { CloseError } from '@darkroom/core';
import { EditQueue } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { startProducer, type RunningProducer } from '../src/start-producer';

guardAgainstLeaks();

/** Lets every edit queue close for real, then fail with `failure`. */
function failQueueClose(failure: Error): jest.SpyInstance {
  // Taken before the spy replaces it, and called with each queue as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const realClose = EditQueue.prototype.close;
  return jest.spyOn(EditQueue.prototype, 'close').mockImplementation(async function (
    this: EditQueue,
  ) {
    await realClose.call(this);
    throw failure;
  });
}

/**
 * Lets the API server (the one on `port`) stop listening, then report `failure` to whoever waits
 * for it; other servers (the metrics port) close as usual.
 */
function failServerClose(failure: Error, port: number): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const realClose = Server.prototype.close;
  jest.spyOn(Server.prototype, 'close').mockImplementation(function (
    this: Server,
    callback?: (err?: Error) => void,
  ) {
    const address = this.address();
    const mine = typeof address === 'object' && address?.port === port;
    return realClose.call(this, (err) => callback?.(mine ? failure : err));
  });
}

async function listening(producer: RunningProducer): Promise<boolean> {
  return fetch(`http://127.0.0.1:${producer.port}/healthz`).then(
    () => true,
    () => false,
  );
}

describe('startProducer close()', () => {
  let producer: RunningProducer;
  beforeEach(async () => {
    producer = await startProducer({
      PRODUCER_HOST: '127.0.0.1',
      PRODUCER_PORT: '0',
      PRODUCER_METRICS_PORT: '0',
      PRODUCER_TOKENS: 'tok-a',
      REDIS_URL: redisUrl(),
      DARKROOM_QUEUE: uniqueName('producer'),
      LOG_LEVEL: 'silent',
    });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await producer.close().catch(() => undefined);
  });

  it('rejects when the queue fails to close, and still stops the server', async () => {
    expect(await listening(producer)).toBe(true);
    const failure = new Error('queue would not close');
    failQueueClose(failure);

    await expect(producer.close()).rejects.toBe(failure);
    expect(await listening(producer)).toBe(false);
  });

  it('rejects when the server fails to close, and still closes the queue', async () => {
    const failure = new Error('listening socket would not be released');
    failServerClose(failure, producer.port);
    const queueClose = jest.spyOn(EditQueue.prototype, 'close');

    await expect(producer.close()).rejects.toBe(failure);
    expect(queueClose).toHaveBeenCalledTimes(1);
  });

  it('reports every failure, not just the first', async () => {
    failQueueClose(new Error('queue failed'));
    failServerClose(new Error('server failed'), producer.port);

    const err = await producer.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloseError);
    expect((err as CloseError).errors.map((e: Error) => e.message)).toEqual([
      'queue failed',
      'server failed',
    ]);
  });

  it('gives a second caller the same promise', async () => {
    const first = producer.close();
    expect(producer.close()).toBe(first);
    await first;
  });
});
