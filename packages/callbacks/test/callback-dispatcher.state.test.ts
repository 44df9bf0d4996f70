import { freePort, guardAgainstLeaks, waitFor } from '@darkroom/testing';
import {
  CallbackInputError,
  CallbackUrlError,
  DEFAULT_CALLBACK_QUEUE,
  DEFAULT_RETENTION_MS,
  DEFAULT_TIMEOUT_MS,
  MAX_RESPONSE_BYTES,
  type DeliveryState,
  type DeliveryView,
} from '../src';
import { startDispatcher, type DispatcherFixture } from './support/dispatcher-fixture';

guardAgainstLeaks();

describe('CallbackDispatcher state and intake', () => {
  let fx: DispatcherFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  async function settled(editId: string, state: DeliveryState): Promise<DeliveryView> {
    return waitFor(async () => {
      const view = await fx!.dispatcher.getDelivery(editId);
      return view?.state === state ? view : undefined;
    });
  }

  async function inputError(request: unknown): Promise<CallbackInputError> {
    try {
      await fx!.dispatcher.enqueue(request);
    } catch (err) {
      if (err instanceof CallbackInputError) return err;
      throw err;
    }
    throw new Error('the request was accepted');
  }

  it('refuses bad requests naming the field and the rule, storing nothing', async () => {
    fx = await startDispatcher({ worker: false, secrets: [] });
    const good = {
      editId: 'e1',
      url: 'https://app.example.com/hooks',
      type: 'edit.completed',
      data: {},
    };
    expect(
      (await inputError({ ...good, url: 'http://app.example.com/hooks' })).toJSON(),
    ).toMatchObject({
      field: 'callback.url',
      rule: 'https',
    });
    expect(await inputError({ ...good, url: 'https://u:p@app.example.com/' })).toBeInstanceOf(
      CallbackUrlError,
    );
    expect(await inputError({ ...good, type: 'edit.started' })).toMatchObject({ field: 'type' });
    expect(await inputError({ ...good, editId: 'has space' })).toMatchObject({ field: 'editId' });
    const presigned = {
      outputs: [{ href: 'https://bucket.s3.amazonaws.com/o.jpg?X-Amz-Signature=abc' }],
    };
    expect(await inputError({ ...good, data: presigned })).toMatchObject({
      field: 'data',
      rule: 'no-url-query',
    });
    expect(await inputError({ ...good, data: { blob: 'x'.repeat(70_000) } })).toMatchObject({
      rule: 'max-size',
    });
    // Only BullMQ's own queue metadata exists: no delivery, pointer or job.
    expect([...(await fx.dump()).keys()].map((k) => k.slice(fx!.prefix.length))).toEqual([
      ':callbacks:meta',
    ]);
    expect(await fx.dispatcher.getDelivery('e1')).toBeNull();
  });

  it('without a worker it records pending deliveries and sends nothing; close() is idempotent', async () => {
    fx = await startDispatcher({ worker: false, secrets: [] });
    expect(fx.dispatcher.worker).toBeUndefined();
    await fx.dispatcher.enqueue({
      editId: 'e2',
      url: 'https://app.example.com/hooks?k=v',
      type: 'edit.failed',
      data: { reason: 'timeout' },
    });
    expect(await fx.dispatcher.getDelivery('e2')).toMatchObject({
      state: 'pending',
      attempts: 0,
      target: 'https://app.example.com/hooks',
    });
    expect(await fx.dispatcher.queue.getWaitingCount()).toBe(1);
    const closing = fx.dispatcher.close();
    expect(fx.dispatcher.close()).toBe(closing);
    await closing;
  });

  it('refuses to run a worker without secrets', async () => {
    await expect(startDispatcher({ secrets: [] })).rejects.toMatchObject({
      field: 'secrets',
      rule: 'not-empty',
    });
  });

  it('lists dead deliveries a page at a time; network errors count as failed attempts', async () => {
    const port = await freePort(); // nothing listens there
    fx = await startDispatcher({
      allow: [`127.0.0.1:${port}`],
      retry: { maxAttempts: 2, baseDelayMs: 5 },
    });
    const ids = ['d1', 'd2', 'd3'];
    for (const editId of ids) {
      await fx.dispatcher.enqueue({
        editId,
        url: `http://127.0.0.1:${port}/x`,
        type: 'edit.completed',
        data: {},
      });
    }
    for (const editId of ids) {
      expect(await settled(editId, 'dead')).toMatchObject({
        attempts: 2,
        lastError: expect.stringContaining('ECONNREFUSED') as unknown,
      });
    }
    const first = await fx.dispatcher.listDead({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.cursor).toBeDefined();
    const second = await fx.dispatcher.listDead({ limit: 2, cursor: first.cursor! });
    expect(second.cursor).toBeUndefined();
    expect([...first.items, ...second.items].map((v) => v.editId).sort()).toEqual(ids);
    await expect(fx.dispatcher.listDead({ limit: 0 })).rejects.toThrow('limit must be');
  });

  it('gives up at once when maxAgeMs leaves no time for another attempt', async () => {
    const port = await freePort();
    fx = await startDispatcher({ allow: [`127.0.0.1:${port}`], retry: { maxAgeMs: 0 } });
    await fx.dispatcher.enqueue({
      editId: 'a1',
      url: `http://127.0.0.1:${port}/x`,
      type: 'edit.completed',
      data: {},
    });
    expect(await settled('a1', 'dead')).toMatchObject({ attempts: 1 });
    expect(fx.events.map((e) => e.hook)).toEqual(['dead']);
  });

  it('retries a host that does not resolve, as a failed attempt', async () => {
    fx = await startDispatcher({
      retry: { maxAttempts: 2, baseDelayMs: 5 },
      resolve: () =>
        Promise.reject(Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' })),
    });
    await fx.dispatcher.enqueue({
      editId: 'n1',
      url: 'https://app.example.com/h',
      type: 'edit.failed',
      data: {},
    });
    const view = await settled('n1', 'dead');
    expect(view).toMatchObject({
      attempts: 2,
      lastError: expect.stringContaining('EAI_AGAIN') as unknown,
    });
    expect(fx.events.map((e) => e.hook)).toEqual(['retrying', 'dead']);
  });

  it('has the defaults the README names', () => {
    expect(DEFAULT_CALLBACK_QUEUE).toBe('callbacks');
    expect(DEFAULT_TIMEOUT_MS).toBe(10_000);
    expect(DEFAULT_RETENTION_MS).toBe(7 * 24 * 3600 * 1000);
    expect(MAX_RESPONSE_BYTES).toBe(4096);
  });

  it("passes the queue's and worker's errors to the observer, redacted", async () => {
    const errors: string[] = [];
    fx = await startDispatcher({ observer: { error: (err) => errors.push(err.message) } });
    fx.dispatcher.worker!.emit(
      'error',
      new Error('lost https://redis.example.com/x?password=hunter2'),
    );
    fx.dispatcher.queue.emit(
      'error',
      new Error("READONLY You can't write against a read only replica."),
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).not.toContain('hunter2');
    expect(errors[1]).toContain('READONLY');
  });
});
