import { deliveryIdFor, verifyWebhook } from '@darkroom/callbacks';
import type { EditJobStatus } from '@darkroom/jobs';
import { guardAgainstLeaks, type CallbackReceiver, uniqueName, waitFor } from '@darkroom/testing';
import { startCallbackStack, type CallbackStack } from './support/callback-stack';
import { cli } from './support/cli-harness';

guardAgainstLeaks();

interface BatchBody {
  id: string;
  total: number;
  counts: Record<string, number>;
  done: boolean;
  ended: Record<string, number>;
  completedAt?: number;
  callback?: { state: string; attempts: number; type?: string };
}

/**
 * A batch through the whole system: the producer names it, two workers run its edits against
 * the emulator and count each end in the batch, one of them sends one signed `batch.completed`.
 */
describe('batches end to end: producer, two workers, emulator, a callback receiver', () => {
  let app: CallbackReceiver;
  let env: Record<string, string>;
  let base = '';
  let input = '';
  let outBucket = '';
  let token = '';
  let secret = '';
  let running: CallbackStack | undefined;

  beforeAll(async () => {
    running = await startCallbackStack({
      name: 'batches-e2e',
      workers: 2,
    });
    ({ app, env, base, input, outBucket, token, secret } = running);
  });
  afterAll(async () => {
    await running?.close();
  });

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as T };
  };
  const edit = (from: string) => ({
    operation: 'renditionCreate',
    input: from,
    outputs: [{ ref: `s3://${outBucket}/${uniqueName('o')}.jpg`, type: 'image/jpeg' }],
  });

  it('sends one signed batch.completed with the counts once the last edit has ended', async () => {
    const path = `/batches/${uniqueName('b')}`;
    const missing = input.replace('input.jpg', 'missing.jpg');
    const jobs = [...Array.from({ length: 7 }, () => edit(input)), edit(missing)];
    const created = await api<{ batchId: string; members: number }>('POST', '/v1/edits:batch', {
      jobs,
      callback: { url: `${app.origin}${path}?app=1` },
    });
    expect(created.status).toBe(201);
    const { batchId } = created.body;
    expect(created.headers.get('location')).toBe(`/v1/batches/${batchId}`);
    expect(created.body.members).toBe(8);

    const delivered = await waitFor(
      async () => {
        const { body } = await api<BatchBody>('GET', `/v1/batches/${batchId}`);
        return body.callback?.state === 'delivered' && body.done ? body : null;
      },
      { timeoutMs: 60_000, what: 'the batch callback to be delivered' },
    );
    expect(delivered).toMatchObject({
      total: 8,
      done: true,
      counts: { completed: 7, failed: 1, waiting: 0, active: 0, delayed: 0 },
      ended: { completed: 7, failed: 1, cancelled: 0 },
      callback: { attempts: 1, type: 'batch.completed' },
    });

    const posts = app.received.filter((r) => r.path.startsWith(path));
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.path).toBe(`${path}?app=1`);
    const verified = verifyWebhook({ headers: post.headers, body: post.body, secrets: [secret] });
    expect(verified.id).toBe(deliveryIdFor(batchId, 'batch.completed'));
    expect(JSON.parse(post.body)).toEqual({
      type: 'batch.completed',
      timestamp: expect.any(String) as string,
      data: {
        batchId,
        total: 8,
        completed: 7,
        failed: 1,
        cancelled: 0,
        createdAt: expect.any(String) as string,
        completedAt: new Date(delivered.completedAt ?? 0).toISOString(),
      },
    });
  });

  it('finds edits by state and by the Adobe job their submit created, over HTTP and in the CLI', async () => {
    const created = await api<{ results: { id: string }[] }>('POST', '/v1/edits:batch', {
      jobs: [edit(input), edit(input)],
    });
    const [first] = created.body.results;
    const done = await waitFor(
      async () => {
        const { body } = await api<EditJobStatus>('GET', `/v1/edits/${first!.id}?wait=5`);
        return body.state === 'completed' ? body : null;
      },
      { timeoutMs: 30_000, what: 'the edit to complete' },
    );
    expect(done.remoteJobId).toEqual(expect.any(String));

    const byAdobe = await api<{ items: EditJobStatus[] }>(
      'GET',
      `/v1/edits?adobeJobId=${encodeURIComponent(done.remoteJobId!)}`,
    );
    expect(byAdobe.body.items.map((i) => i.id)).toEqual([first!.id]);
    const failed = await api<{ items: EditJobStatus[] }>('GET', '/v1/edits?state=failed');
    expect(failed.body.items.length).toBeGreaterThan(0);
    expect(failed.body.items.every((i) => i.failure?.reason === 'remote_failed')).toBe(true);

    const run = await cli(['jobs', '--adobe-job-id', done.remoteJobId!], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(first!.id);
    expect(run.stdout).toContain(done.remoteJobId!);
  });
});
