import { UnrecoverableError } from 'bullmq';
import { CallbackDispatcher, deliveryIdFor } from '@darkroom/callbacks';
import {
  guardAgainstLeaks,
  redisClient,
  redisUrl,
  startRedisServer,
  uniqueName,
  waitFor,
} from '@darkroom/testing';
import type { Redis } from 'ioredis';
import { EditQueue, type RecipeRunStatus } from '../src';
import { IdempotencyConflictError } from '../src/errors/idempotency-conflict-error';
import { fanOutRecipe } from './support/recipes';
import {
  completeEveryStep,
  startRunWorker as startSharedRunWorker,
  startStepWorker,
  type StepProcess,
} from './support/run-workers';

guardAgainstLeaks();

const SCRATCH = 's3://darkroom-scratch/runs/';

/**
 * The files the edits read and write, by reference: a store of their own for each test, so a
 * step can be checked to read what an earlier step wrote, and clean-ups to delete it.
 */
class Files {
  readonly refs = new Map<string, string>();
  constructor(inputs: string[]) {
    for (const ref of inputs) this.refs.set(ref, 'input');
  }
  removeUnder = (folder: string): Promise<number> => {
    const gone = [...this.refs.keys()].filter((ref) => ref.startsWith(folder));
    for (const ref of gone) this.refs.delete(ref);
    return Promise.resolve(gone.length);
  };
  under(folder: string): string[] {
    return [...this.refs.keys()].filter((ref) => ref.startsWith(folder));
  }
}

/** Every `{ ref }` and `{ source: { ref } }` string inside an edit's options. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'ref' && typeof v === 'string' ? [v] : refsIn(v),
  );
}

describe('recipe runs (real Redis, real BullMQ workers)', () => {
  let edits: EditQueue;
  let redis: Redis;
  const stops: (() => Promise<unknown>)[] = [];
  beforeEach(() => {
    edits = new EditQueue({
      connection: redisUrl(),
      queueName: uniqueName('runs'),
      fair: false,
      scratch: SCRATCH,
    });
    redis = redisClient();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    const left = await redis.keys(`${edits.prefix}:${edits.queueName}*`);
    if (left.length > 0) await redis.del(...left);
    await edits.close();
    redis.disconnect();
  });

  /**
   * An edits worker that does what Adobe would: reads the edit's input and option files (a
   * missing one fails the edit), writes its outputs, and fails the steps named in `failing`.
   */
  function startEditWorker(
    files: Files,
    failing: Set<string>,
    processed: string[],
    url = redisUrl(),
  ) {
    const worker = startStepWorker(
      edits,
      (job) => {
        const step = job.data.run?.step ?? '?';
        processed.push(step);
        const request = job.data.request;
        const missing = [request.input, ...refsIn(request.options)].filter(
          (ref) => ref !== undefined && !files.refs.has(ref),
        );
        if (missing.length > 0) {
          return Promise.reject(new UnrecoverableError(`client_error: no file ${missing[0]}`));
        }
        if (failing.has(step)) {
          return Promise.reject(new UnrecoverableError('remote_failed: the remote job failed'));
        }
        for (const output of request.outputs) files.refs.set(output.ref, step);
        return completeEveryStep(job);
      },
      { url },
    );
    stops.push(worker.close);
    return { stop: worker.close };
  }

  /** A runs worker over `queue` (the test's by default), deleting scratch from `files`. */
  function startRunWorker(
    files: Files,
    options: {
      scratchLifetimeMs?: number;
      stalledStepResumes?: number;
      url?: string;
      queue?: EditQueue;
      callbacks?: CallbackDispatcher;
    } = {},
  ) {
    const { queue = edits, ...rest } = options;
    const worker = startSharedRunWorker(queue, { ...rest, removeUnder: files.removeUnder });
    stops.push(worker.close);
    return { stop: worker.close };
  }

  const ended = (id: string) =>
    waitFor(
      async () => {
        const run = await edits.getRun(id);
        return run && (run.state === 'completed' || run.state === 'failed') ? run : undefined;
      },
      { what: `run ${id} ended`, timeoutMs: 20_000 },
    );

  const sku = 'SHOE-42';
  const photo = `s3://darkroom-in/products/${sku}.jpg`;
  const template = 's3://darkroom-in/templates/product-card.psd';

  it('runs each step after the steps it reads, deletes the intermediates, keeps the finals', async () => {
    const files = new Files([photo, template]);
    const processed: string[] = [];
    startEditWorker(files, new Set(), processed);
    startRunWorker(files);
    const { id, duplicate } = await edits.enqueueRecipe({ recipe: fanOutRecipe, params: { sku } });
    expect(duplicate).toBe(false);
    const run = await ended(id);
    expect(run).toMatchObject({
      state: 'completed',
      recipe: 'product-renditions',
      params: { sku },
    });
    expect(run.outputs).toEqual([
      `s3://darkroom-out/products/${sku}/card.jpg`,
      `s3://darkroom-out/products/${sku}/card.png`,
    ]);
    expect(run.steps.map((s) => [s.name, s.state, s.needs])).toEqual([
      ['cutout', 'completed', []],
      ['composite', 'completed', ['cutout']],
      ['jpeg', 'completed', ['composite']],
      ['png', 'completed', ['composite']],
    ]);
    // One edit per step, each after what it reads; the fan-out steps in either order.
    expect(processed.slice(0, 2)).toEqual(['cutout', 'composite']);
    expect(processed.slice(2).sort()).toEqual(['jpeg', 'png']);
    expect(files.under(SCRATCH)).toEqual([]);
    for (const ref of run.outputs ?? []) expect(files.refs.has(ref)).toBe(true);
    const composite = await edits.get(run.steps[1]!.editId);
    expect(composite?.run).toEqual({ id, step: 'composite' });
    // Every step waits in line in its run's place: BullMQ's timestamp is the run's enqueue.
    for (const step of run.steps) {
      expect((await edits.queue.getJob(step.editId))?.timestamp).toBe(run.enqueuedAt);
    }
  });

  it('fails the run with the failed step and its reason, then retries only what did not complete', async () => {
    const files = new Files([photo, template]);
    const failing = new Set(['png']);
    const processed: string[] = [];
    startEditWorker(files, failing, processed);
    startRunWorker(files);
    const { id } = await edits.enqueueRecipe({ recipe: fanOutRecipe, params: { sku } });
    const failed = await ended(id);
    expect(failed.state).toBe('failed');
    expect(failed.failure).toEqual({
      step: 'png',
      reason: 'remote_failed',
      message: 'the remote job failed',
    });
    // Kept for diagnosis: the cut-out and the composite are still in scratch.
    expect(files.under(`${SCRATCH}${id}/`).sort()).toEqual([
      `${SCRATCH}${id}/composite/0.psd`,
      `${SCRATCH}${id}/cutout/0.png`,
    ]);
    failing.clear();
    const before = processed.length;
    await edits.retryRun(id);
    const run = await ended(id);
    expect(run.state).toBe('completed');
    expect(run.failure).toBeUndefined();
    expect(processed.slice(before)).toEqual(['png']);
    expect(files.under(SCRATCH)).toEqual([]);
  });

  it('waitForRun answers when the run ends, not while it sleeps between steps; else at the timeout', async () => {
    const files = new Files([photo, template]);
    const { id } = await edits.enqueueRecipe({ recipe: fanOutRecipe, params: { sku } });
    // No worker yet: the wait ends at its timeout with the run as it is.
    expect(await edits.waitForRun(id, { timeoutMs: 50 })).toMatchObject({ state: 'waiting' });
    expect(await edits.waitForRun(`run-${'0'.repeat(32)}`, { timeoutMs: 20_000 })).toBeNull();
    const waiting = edits.waitForRun(id, { timeoutMs: 20_000 });
    const processed: string[] = [];
    startEditWorker(files, new Set(), processed);
    startRunWorker(files);
    const run = await waiting;
    // The run slept between its four steps; the wait ended only with the run.
    expect(run).toMatchObject({ state: 'completed' });
    expect(processed).toHaveLength(4);
    const aborted = new AbortController();
    aborted.abort();
    expect(await edits.waitForRun(id, { timeoutMs: 20_000, signal: aborted.signal })).toMatchObject(
      { state: 'completed' },
    );
  });

  it('carries a run on in another worker when the one running it stops', async () => {
    const files = new Files([photo, template]);
    const processed: string[] = [];
    const first = startRunWorker(files);
    const { id } = await edits.enqueueRecipe({ recipe: fanOutRecipe, params: { sku } });
    // The first step is enqueued by the first runs worker; then that worker goes away.
    await waitFor(async () => (await edits.getRun(id))?.steps[0]?.state !== 'pending', {
      what: 'the first step enqueued',
    });
    await first.stop();
    startEditWorker(files, new Set(), processed);
    startRunWorker(files);
    const run = await ended(id);
    expect(run.state).toBe('completed');
    expect(processed.filter((s) => s === 'cutout')).toEqual(['cutout']);
  });

  it('survives a Redis restart: the run and its steps come back from the append-only file', async () => {
    const server = await startRedisServer({
      args: ['--appendonly', 'yes', '--appendfsync', 'always'],
    });
    stops.push(() => server.close());
    const own = new EditQueue({
      connection: server.url,
      queueName: edits.queueName,
      scratch: SCRATCH,
    });
    stops.push(() => own.close());
    const files = new Files([photo, template]);
    const processed: string[] = [];
    startRunWorker(files, { url: server.url, queue: own });
    const { id } = await own.enqueueRecipe({ recipe: fanOutRecipe, params: { sku } });
    await waitFor(async () => (await own.getRun(id))?.steps[0]?.state === 'waiting', {
      what: 'the first step waiting for a worker',
    });
    await server.stop({ kill: true });
    await server.start();
    startEditWorker(files, new Set(), processed, server.url);
    const run = await waitFor(
      async () => {
        const now = await own.getRun(id).catch(() => null);
        return now?.state === 'completed' ? now : undefined;
      },
      { what: 'the run completed after the restart', timeoutMs: 30_000 },
    );
    expect(run.steps.every((s) => s.state === 'completed')).toBe(true);
    expect(processed.filter((s) => s === 'cutout')).toEqual(['cutout']);
  });

  /**
   * Runs the steps on edits workers of which the first `kills` die holding the cut-out (as after
   * a SIGKILL, its lock expires and the next worker finds it stalled). The first pick-up records
   * its POST as the step machine does before sending it. Returns each cut-out pick-up's saved step
   * and POST count.
   */
  async function killWhileHoldingCutout(files: Files, kills: number) {
    const pickups: { step: string; submits?: number }[] = [];
    const process: StepProcess = async (job) => {
      const step = job.data.run?.step ?? '?';
      if (step === 'cutout') {
        pickups.push({ step: job.data.step, submits: job.data.submits });
        if (pickups.length <= kills) {
          if (job.data.step === 'submit') {
            await job.updateData({
              ...job.data,
              step: 'poll',
              submits: 1,
              remoteJobId: 'adobe-cutout-1',
              statusUrl: 'https://image.adobe.io/v2/status/adobe-cutout-1',
            });
          }
          return new Promise<never>(() => undefined);
        }
      }
      for (const output of job.data.request.outputs) files.refs.set(output.ref, step);
      return completeEveryStep(job);
    };
    const stallFast = { lockDuration: 400, stalledInterval: 200 };
    for (let k = 1; k <= kills; k += 1) {
      const worker = startStepWorker(edits, process, stallFast);
      stops.push(worker.close);
      await waitFor(() => pickups.length >= k, { what: `cut-out pick-up ${k}` });
      await worker.kill();
    }
    const last = startStepWorker(edits, process, stallFast);
    stops.push(last.close);
    return pickups;
  }

  it('hands back a step’s edit BullMQ failed as stalled: it goes on where it was, no second POST', async () => {
    const files = new Files([photo, template]);
    startRunWorker(files);
    const { id } = await edits.enqueueRecipe({ recipe: fanOutRecipe, params: { sku } });
    // Two kills while held: BullMQ (one stall allowed) fails the edit `stalled`.
    const pickups = await killWhileHoldingCutout(files, 2);
    const run = await ended(id);
    expect(run.state).toBe('completed');
    // The third pick-up polls the Adobe job the first one submitted.
    expect(pickups).toEqual([
      { step: 'submit', submits: undefined },
      { step: 'poll', submits: 1 },
      { step: 'poll', submits: 1 },
    ]);
    const cutout = await edits.get(run.steps[0]!.editId);
    expect(cutout).toMatchObject({ state: 'completed', submits: 1, remoteJobId: 'adobe-cutout-1' });
    expect(files.under(SCRATCH)).toEqual([]);
  });

  it('fails the run as stalled once the step’s edit stalled out more often than it is handed back', async () => {
    const files = new Files([photo, template]);
    startRunWorker(files, { stalledStepResumes: 1 });
    const { id } = await edits.enqueueRecipe({ recipe: fanOutRecipe, params: { sku } });
    // BullMQ counts a job's stalls over its life: after one hand-back, the next kill fails it.
    const pickups = await killWhileHoldingCutout(files, 3);
    const run = await ended(id);
    expect(run.state).toBe('failed');
    expect(run.failure).toMatchObject({ step: 'cutout', reason: 'stalled' });
    expect(pickups).toHaveLength(3);
  });

  it('deletes a failed run’s intermediates when their lifetime ends, and a retry then starts over', async () => {
    const files = new Files([photo, template]);
    const failing = new Set(['jpeg']);
    const processed: string[] = [];
    startEditWorker(files, failing, processed);
    startRunWorker(files, { scratchLifetimeMs: 300 });
    const { id } = await edits.enqueueRecipe({ recipe: fanOutRecipe, params: { sku } });
    expect((await ended(id)).state).toBe('failed');
    await waitFor(() => files.under(`${SCRATCH}${id}/`).length === 0, {
      what: 'the failed run’s scratch deleted',
    });
    failing.clear();
    processed.length = 0;
    await edits.retryRun(id);
    const run: RecipeRunStatus = await ended(id);
    expect(run).toMatchObject({ state: 'completed', round: 1 });
    expect(processed.slice(0, 2)).toEqual(['cutout', 'composite']);
    expect(processed.length).toBe(4);
  });

  it('queues a signed run.failed callback with the failed step, and run.completed after a retry', async () => {
    const callbacks = new CallbackDispatcher({
      connection: redis,
      prefix: edits.prefix,
      queueName: uniqueName('run-callbacks'),
      worker: false,
    });
    stops.push(async () => {
      await callbacks.queue.obliterate({ force: true });
      await callbacks.close();
    });
    const files = new Files([photo, template]);
    const failing = new Set(['cutout']);
    startEditWorker(files, failing, []);
    startRunWorker(files, { callbacks });
    const { id } = await edits.enqueueRecipe({
      recipe: fanOutRecipe,
      params: { sku },
      callback: { url: 'https://app.example.com/runs?sig=abc' },
    });
    expect((await ended(id)).state).toBe('failed');
    const body = async (type: 'run.failed' | 'run.completed') => {
      const job = await callbacks.queue.getJob(deliveryIdFor(id, type));
      return JSON.parse(String(job?.data.body)) as { type: string; data: Record<string, unknown> };
    };
    expect(await body('run.failed')).toMatchObject({
      type: 'run.failed',
      data: {
        runId: id,
        recipe: 'product-renditions',
        state: 'failed',
        failure: { step: 'cutout', reason: 'remote_failed' },
      },
    });
    failing.clear();
    await edits.retryRun(id);
    expect((await ended(id)).state).toBe('completed');
    const completed = await body('run.completed');
    expect(completed.data).toMatchObject({ runId: id, state: 'completed' });
    expect(completed.data.outputs).toEqual([
      `s3://darkroom-out/products/${sku}/card.jpg`,
      `s3://darkroom-out/products/${sku}/card.png`,
    ]);
    expect(JSON.stringify(completed)).not.toContain('sig=abc');
  });

  it('refuses a run whose callback or deadline breaks an edit’s rules, naming the field', async () => {
    await expect(
      edits.enqueueRecipe({
        recipe: fanOutRecipe,
        params: { sku },
        callback: { url: 'http://10.0.0.1/hook' },
      }),
    ).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'callback.url' })] });
    await expect(
      edits.enqueueRecipe({ recipe: fanOutRecipe, params: { sku }, deadline: Date.now() - 1_000 }),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'deadline', rule: 'deadline_range' })],
    });
    expect(await edits.runs().queue.count()).toBe(0);
  });

  it('answers a replay with the same run and refuses the key with other parameters', async () => {
    const run = { recipe: fanOutRecipe, params: { sku }, idempotencyKey: 'card-SHOE-42' };
    const first = await edits.enqueueRecipe(run);
    expect(await edits.enqueueRecipe(run)).toEqual({ id: first.id, duplicate: true });
    await expect(
      edits.enqueueRecipe({ ...run, params: { sku: 'SHOE-43' } }),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect((await edits.getRun(first.id))?.state).toBe('waiting');
  });
});
