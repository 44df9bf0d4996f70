import { guardAgainstLeaks, waitFor } from '@darkroom/testing';
import { verifyWebhook, type DeliveryState, type DeliveryView } from '../src';
import { startDispatcher, type DispatcherFixture } from './support/dispatcher-fixture';
import { startReceiver, status, type Receiver } from './support/receiver';

guardAgainstLeaks();

const result = { outputs: [{ ref: 's3://photos/out/poster.jpg', size: 1234 }] };

describe('CallbackDispatcher delivery', () => {
  let receiver: Receiver;
  let fx: DispatcherFixture | undefined;

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
    await receiver.close();
  });

  async function settled(editId: string, state: DeliveryState): Promise<DeliveryView> {
    return waitFor(
      async () => {
        const view = await fx!.dispatcher.getDelivery(editId);
        return view?.state === state ? view : undefined;
      },
      { what: `delivery of ${editId} ${state}` },
    );
  }

  it('POSTs a signed envelope that the application verifies, and records it delivered', async () => {
    fx = await startDispatcher({ allow: [receiver.hostPort] });
    const url = `${receiver.origin}/hooks/darkroom?app_token=abc123`;
    const { deliveryId, duplicate } = await fx.dispatcher.enqueue({
      editId: 'edit-1',
      url,
      type: 'edit.completed',
      data: result,
    });
    expect(duplicate).toBe(false);
    const view = await settled('edit-1', 'delivered');
    expect(view).toMatchObject({
      deliveryId,
      editId: 'edit-1',
      type: 'edit.completed',
      attempts: 1,
      lastStatus: 204,
      target: `${receiver.origin}/hooks/darkroom`,
    });
    expect(view.deliveredAt).toBeDefined();
    const [req] = receiver.requests;
    expect(receiver.requests).toHaveLength(1);
    expect(req).toMatchObject({ method: 'POST', path: '/hooks/darkroom?app_token=abc123' });
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['user-agent']).toBe('Darkroom-Callbacks/1');
    expect(verifyWebhook({ headers: req!.headers, body: req!.body, secrets: fx.secrets })).toEqual({
      id: deliveryId,
      timestamp: Number(req!.headers['webhook-timestamp']),
    });
    const envelope = JSON.parse(req!.body) as Record<string, unknown>;
    expect(envelope).toEqual({
      type: 'edit.completed',
      timestamp: expect.any(String) as unknown,
      data: result,
    });
    expect(new Date(envelope.timestamp as string).toISOString()).toBe(envelope.timestamp);
    expect(fx.events.map((e) => e.hook)).toEqual(['delivered']);
    expect(fx.events[0]!.event).toMatchObject({ target: view.target, attempts: 1, status: 204 });
  });

  it('keeps secrets out of Redis, and the query string out of everything but the job', async () => {
    fx = await startDispatcher({ allow: [receiver.hostPort] });
    const { deliveryId } = await fx.dispatcher.enqueue({
      editId: 'edit-2',
      url: `${receiver.origin}/hooks?app_token=abc123`,
      type: 'edit.failed',
      data: { reason: 'remote_failed', message: 'Adobe could not read the input' },
    });
    await settled('edit-2', 'delivered');
    const dump = await fx.dump();
    const secretKey = fx.secrets[0]!.slice('whsec_'.length);
    for (const [key, value] of dump) {
      expect(`${key} ${value}`).not.toContain(secretKey);
      if (key !== `${fx.prefix}:callbacks:${deliveryId}`) expect(value).not.toContain('abc123');
    }
  });

  it('ignores a large answer body, and keeps a finished state for retentionMs', async () => {
    fx = await startDispatcher({ allow: [receiver.hostPort], retentionMs: 60_000 });
    receiver.fallback = (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(1024 * 1024));
    };
    const { deliveryId } = await fx.dispatcher.enqueue({
      editId: 'edit-10',
      url: `${receiver.origin}/hooks`,
      type: 'edit.completed',
      data: result,
    });
    expect(await settled('edit-10', 'delivered')).toMatchObject({ attempts: 1, lastStatus: 200 });
    const ttl = await fx.redis.pttl(`${fx.prefix}:callbacks:delivery:${deliveryId}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await fx.redis.pttl(`${fx.prefix}:callbacks:edit:edit-10`)).toBeGreaterThan(0);
  });

  it('retries after a 500 with the same webhook-id, then records two attempts', async () => {
    fx = await startDispatcher({ allow: [receiver.hostPort] });
    receiver.answers.push(status(500));
    const { deliveryId } = await fx.dispatcher.enqueue({
      editId: 'edit-3',
      url: `${receiver.origin}/hooks`,
      type: 'edit.completed',
      data: result,
    });
    const view = await settled('edit-3', 'delivered');
    expect(view).toMatchObject({ attempts: 2, lastStatus: 204 });
    expect(view.lastError).toBeUndefined();
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([deliveryId, deliveryId]);
    expect(receiver.requests[0]!.body).toBe(receiver.requests[1]!.body);
    expect(fx.events.map((e) => e.hook)).toEqual(['retrying', 'delivered']);
    expect(fx.events[0]!.event).toMatchObject({ attempts: 1, status: 500, error: 'answered 500' });
  });

  it('does not follow a redirect: a 3xx is a failed attempt and its target sees nothing', async () => {
    const elsewhere = await startReceiver();
    try {
      fx = await startDispatcher({
        allow: [receiver.hostPort, elsewhere.hostPort],
        retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
      });
      receiver.fallback = status(307, { location: `${elsewhere.origin}/stolen` });
      await fx.dispatcher.enqueue({
        editId: 'edit-4',
        url: `${receiver.origin}/hooks`,
        type: 'edit.completed',
        data: result,
      });
      const view = await settled('edit-4', 'dead');
      expect(view).toMatchObject({ attempts: 2, lastStatus: 307 });
      expect(view.lastError).toContain('redirects are not followed');
      expect(receiver.requests).toHaveLength(2);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('gives a delivery up after maxAttempts, lists it dead, and redeliver delivers it', async () => {
    fx = await startDispatcher({
      allow: [receiver.hostPort],
      retry: { maxAttempts: 3, baseDelayMs: 10 },
    });
    receiver.fallback = status(503);
    const { deliveryId } = await fx.dispatcher.enqueue({
      editId: 'edit-5',
      url: `${receiver.origin}/hooks`,
      type: 'edit.cancelled',
      data: { reason: 'cancelled' },
    });
    const dead = await settled('edit-5', 'dead');
    expect(dead).toMatchObject({ attempts: 3, lastStatus: 503, lastError: 'answered 503' });
    expect(dead.nextAttemptAt).toBeUndefined();
    expect(fx.events.map((e) => e.hook)).toEqual(['retrying', 'retrying', 'dead']);
    expect((await fx.dispatcher.listDead()).items.map((v) => v.deliveryId)).toEqual([deliveryId]);

    receiver.fallback = status(200);
    const revived = await fx.dispatcher.redeliver('edit-5');
    expect(revived).toMatchObject({ state: 'pending', attempts: 0 });
    const delivered = await settled('edit-5', 'delivered');
    expect(delivered).toMatchObject({ attempts: 1, lastStatus: 200 });
    expect(receiver.requests).toHaveLength(4);
    expect((await fx.dispatcher.listDead()).items).toEqual([]);
    await expect(fx.dispatcher.redeliver('edit-5')).rejects.toMatchObject({
      name: 'DeliveryStateError',
      state: 'delivered',
    });
    await expect(fx.dispatcher.redeliver('edit-none')).rejects.toMatchObject({
      name: 'DeliveryNotFoundError',
    });
  });

  it('sends a repeated enqueue once', async () => {
    fx = await startDispatcher({ allow: [receiver.hostPort], concurrency: 1 });
    const request = {
      editId: 'edit-6',
      url: `${receiver.origin}/hooks`,
      type: 'edit.completed',
      data: result,
    };
    const first = await Promise.all([
      fx.dispatcher.enqueue(request),
      fx.dispatcher.enqueue(request),
    ]);
    expect(first.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(first[0].deliveryId).toBe(first[1].deliveryId);
    await settled('edit-6', 'delivered');
    expect((await fx.dispatcher.enqueue(request)).duplicate).toBe(true);
    // A later edit is delivered after anything the repeat could have queued (one at a time).
    await fx.dispatcher.enqueue({ ...request, editId: 'edit-7' });
    await settled('edit-7', 'delivered');
    expect(receiver.requests).toHaveLength(2);
    expect(
      receiver.requests.filter((r) => r.headers['webhook-id'] === first[0].deliveryId),
    ).toHaveLength(1);
  });

  it('checks the address again before each attempt: a name that now resolves to loopback dies', async () => {
    const port = receiver.hostPort.split(':')[1]!;
    fx = await startDispatcher({
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
    });
    await fx.dispatcher.enqueue({
      editId: 'edit-8',
      url: `https://hooks.example.com:${port}/hooks`,
      type: 'edit.completed',
      data: result,
    });
    const view = await settled('edit-8', 'dead');
    expect(view.attempts).toBe(1);
    expect(view.lastError).toContain('127.0.0.1 (loopback)');
    expect(receiver.requests).toHaveLength(0);
  });

  it('connects to the address the check resolved, not to what the system resolver says', async () => {
    const port = receiver.hostPort.split(':')[1]!;
    const asked: string[] = [];
    fx = await startDispatcher({
      allow: [`hooks.example.com:${port}`],
      resolve: (host) => {
        asked.push(host);
        return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
      },
    });
    await fx.dispatcher.enqueue({
      editId: 'edit-11',
      url: `http://hooks.example.com:${port}/hooks`,
      type: 'edit.completed',
      data: result,
    });
    await settled('edit-11', 'delivered');
    expect(asked).toEqual(['hooks.example.com']);
    expect(receiver.requests[0]!.headers.host).toBe(`hooks.example.com:${port}`);
  });

  it('ends an attempt at its deadline when the application does not answer', async () => {
    fx = await startDispatcher({
      allow: [receiver.hostPort],
      timeoutMs: 200,
      retry: { maxAttempts: 1 },
    });
    receiver.fallback = () => undefined; // holds the request open
    await fx.dispatcher.enqueue({
      editId: 'edit-9',
      url: `${receiver.origin}/slow`,
      type: 'edit.failed',
      data: {},
    });
    const view = await settled('edit-9', 'dead');
    expect(view).toMatchObject({ attempts: 1, lastError: 'timed out after 200 ms' });
    expect(view.lastStatus).toBeUndefined();
  });
});
