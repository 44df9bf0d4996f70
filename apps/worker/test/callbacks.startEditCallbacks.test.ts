import {
  CallbackDispatcher,
  generateSecret,
  verifyWebhook,
  type CallbackEnvelope,
} from '@darkroom/callbacks';
import { EditQueue } from '@darkroom/jobs';
import { guardAgainstLeaks, redisClient, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { startCallbackReceiver, type CallbackReceiver } from '@darkroom/testing';
import { startStack, type Stack } from './support/stack';

guardAgainstLeaks();

const SECRET = generateSecret();
const OLD_SECRET = generateSecret();

/** Every key of the queues under the prefix, with its values, as text. */
async function redisText(queues: string[]): Promise<string> {
  const redis = redisClient();
  const out: string[] = [];
  try {
    for (const queue of queues) {
      const keys = await redis.keys(`{darkroom}:${queue}*`);
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'string') out.push(key, String(await redis.get(key)));
        else if (type === 'hash') out.push(key, JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') out.push(key, JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'zset') out.push(key, JSON.stringify(await redis.zrange(key, 0, -1)));
        else if (type === 'stream')
          out.push(key, JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    }
  } finally {
    redis.disconnect();
  }
  return out.join('\n');
}

describe('signed callbacks when an edit ends (real worker, emulator, Redis)', () => {
  let stack: Stack;
  let receiver: CallbackReceiver;
  let edits: EditQueue;
  let reader: ReturnType<typeof redisClient>;
  let callbacks: CallbackDispatcher;
  const callbackQueue = uniqueName('callbacks');
  let input = '';

  beforeAll(async () => {
    receiver = await startCallbackReceiver();
    stack = await startStack();
    await stack.startWorker({
      DARKROOM_CALLBACK_SECRETS: `${SECRET}, ${OLD_SECRET}`,
      DARKROOM_CALLBACK_ALLOW: receiver.hostPort,
      DARKROOM_CALLBACK_QUEUE: callbackQueue,
      DARKROOM_CALLBACK_DEFAULTS: JSON.stringify({
        'shop-default': `${receiver.origin}/tenant-default`,
      }),
    });
    // Intake with the same allow-list as the worker's (the producer passes DARKROOM_CALLBACK_ALLOW).
    edits = new EditQueue({
      connection: redisUrl(),
      queueName: stack.queueName,
      callbackAllow: [receiver.hostPort],
    });
    // What the producer does to show delivery state: no worker, no secrets.
    reader = redisClient();
    callbacks = new CallbackDispatcher({
      connection: reader,
      prefix: '{darkroom}',
      queueName: callbackQueue,
      worker: false,
    });
    input = `s3://${stack.inBucket}/${uniqueName('cb')}/in.jpg`;
    await stack.put(input, await stack.jpeg(), 'image/jpeg');
  });
  afterAll(async () => {
    await edits?.close();
    await stack?.close();
    await callbacks?.queue.obliterate({ force: true });
    await callbacks?.close();
    const left = await reader.keys(`{darkroom}:${callbackQueue}:*`);
    if (left.length > 0) await reader.del(...left);
    reader?.disconnect();
    await receiver?.close();
  });

  const enqueue = (extra: Record<string, unknown>, inputRef = input) =>
    edits.enqueue({
      operation: 'renditionCreate',
      input: inputRef,
      outputs: [{ ref: `s3://${stack.outBucket}/${uniqueName('o')}.jpg`, type: 'image/jpeg' }],
      ...extra,
    });

  const receivedAt = (path: string) => receiver.received.filter((r) => r.path === path);

  it('POSTs one signed edit.completed with the URL-free result, verified with either secret', async () => {
    const hook = `/hooks/${uniqueName('done')}`;
    const path = `${hook}?token=app-own`;
    const { id } = await enqueue({ callback: { url: `${receiver.origin}${path}` } });
    const done = await stack.edits.waitFor(id, { timeout: 60_000 });
    expect(done.state).toBe('completed');
    const [post] = await waitFor(() => (receivedAt(path).length > 0 ? receivedAt(path) : null), {
      what: 'the callback',
    });
    for (const secrets of [[SECRET], [OLD_SECRET]]) {
      expect(verifyWebhook({ headers: post!.headers, body: post!.body, secrets }).id).toBe(
        post!.headers['webhook-id'],
      );
    }
    const envelope = JSON.parse(post!.body) as CallbackEnvelope<Record<string, unknown>>;
    expect(envelope).toMatchObject({
      type: 'edit.completed',
      data: { id, state: 'completed', operation: 'renditionCreate', result: done.result },
    });
    expect(post!.body).not.toMatch(/https?:/);
    // Exactly one: the delivery is done, and nothing else arrives for this edit.
    const view = await waitFor(async () => {
      const v = await callbacks.getDelivery(id);
      return v?.state === 'delivered' ? v : null;
    });
    expect(view).toMatchObject({
      attempts: 1,
      lastStatus: 204,
      target: `${receiver.origin}${hook}`,
    });
    expect(receivedAt(path)).toHaveLength(1);
  });

  it('POSTs edit.failed with the reason for a failed edit, and uses the tenant default URL', async () => {
    const missing = `s3://${stack.inBucket}/${uniqueName('missing')}.jpg`;
    const { id } = await enqueue({ tenant: 'shop-default' }, missing);
    const done = await stack.edits.waitFor(id, { timeout: 60_000 });
    expect(done.state).toBe('failed');
    const post = await waitFor(
      () =>
        receivedAt('/tenant-default').find(
          (r) => (JSON.parse(r.body) as { data: { id: string } }).data.id === id,
        ),
      { what: 'the failure callback' },
    );
    verifyWebhook({ headers: post.headers, body: post.body, secrets: [SECRET] });
    expect(JSON.parse(post.body)).toMatchObject({
      type: 'edit.failed',
      data: { id, state: 'failed', tenant: 'shop-default', failure: done.failure },
    });
    expect(done.failure?.reason).toBe('remote_failed');
  });

  it('sends nothing for an edit without a callback or tenant default', async () => {
    const { id } = await enqueue({ tenant: 'shop-without' });
    await stack.edits.waitFor(id, { timeout: 60_000 });
    expect(await callbacks.getDelivery(id)).toBeNull();
  });

  it('never writes a secret to Redis or the logs, nor the callback query to the logs', async () => {
    const text = await redisText([stack.queueName, callbackQueue]);
    // The scan sees the deliveries (their bodies are there), so it would see a secret too.
    expect(text).toContain('edit.completed');
    for (const secret of [SECRET, OLD_SECRET]) {
      expect(text).not.toContain(secret.slice('whsec_'.length));
      expect(stack.logs.lines.join('\n')).not.toContain(secret.slice('whsec_'.length));
    }
    expect(stack.logs.lines.some((l) => l.includes('callback delivered'))).toBe(true);
    expect(stack.logs.lines.join('\n')).not.toContain('app-own');
  });
});
