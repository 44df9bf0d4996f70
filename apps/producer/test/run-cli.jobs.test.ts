import { UnrecoverableError } from 'bullmq';
import { EditQueue, type EditJobStatus } from '@darkroom/jobs';
import { freePort, guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { EXIT, type WatchSnapshot } from '../src';
import { fakeResult, startWorker } from './support/api-harness';
import { cli } from './support/cli-harness';

guardAgainstLeaks();

const job = (n: number, extra: Record<string, unknown> = {}) => ({
  operation: 'renditionCreate',
  input: `s3://darkroom-in/${n}.psd`,
  outputs: [{ ref: `s3://darkroom-out/${n}.jpg`, type: 'image/jpeg' }],
  ...extra,
});

describe('darkroom status, cancel, retry, watch', () => {
  let edits: EditQueue;
  let env: Record<string, string>;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(() => {
    const queueName = uniqueName('cli');
    env = { REDIS_URL: redisUrl(), DARKROOM_QUEUE: queueName };
    edits = new EditQueue({ connection: redisUrl(), queueName });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  /** Runs a worker that fails jobs whose input names `fail` and completes the rest. */
  async function finish(ids: string[]): Promise<void> {
    const worker = startWorker(edits, (j) => {
      const data = j.data as { request: { input: string; outputs: { ref: string }[] } };
      if (data.request.input.includes('fail-client')) {
        return Promise.reject(new UnrecoverableError('client_error: Adobe answered 400'));
      }
      if (data.request.input.includes('fail')) {
        return Promise.reject(new UnrecoverableError('remote_failed: the input is corrupt'));
      }
      return Promise.resolve(fakeResult(data.request.outputs[0]?.ref ?? ''));
    });
    cleanups.push(() => worker.close());
    await waitFor(
      async () => {
        const states = await Promise.all(ids.map((id) => edits.get(id)));
        return states.every((s) => s?.state === 'completed' || s?.state === 'failed');
      },
      { what: 'jobs to finish' },
    );
    await worker.close();
  }

  it('status: 0 for a waiting or completed job, 1 for a failed one, 4 for an unknown id', async () => {
    const { id } = await edits.enqueue(job(1, { account: 'acme' }));
    const waiting = await cli(['status', id], env);
    expect(waiting.code).toBe(EXIT.ok);
    expect(waiting.stdout).toMatch(/state\s+waiting/);
    expect(waiting.stdout).toMatch(/account\s+acme/);

    const bad = await edits.enqueue(job(2, { input: 's3://darkroom-in/fail.psd' }));
    await finish([id, bad.id]);
    const done = await cli(['status', id, '--json'], env);
    expect(done.code).toBe(EXIT.ok);
    expect(done.json<EditJobStatus>()).toMatchObject({
      state: 'completed',
      result: { outputs: [{ ref: 's3://darkroom-out/1.jpg' }] },
    });
    const failed = await cli(['status', bad.id], env);
    expect(failed.code).toBe(EXIT.failed);
    expect(failed.stdout).toMatch(/failure\s+remote_failed: the input is corrupt/);

    const missing = await cli(['status', 'no-such-job', '--json'], env);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('not_found');
    expect((await cli(['status'], env)).code).toBe(EXIT.usage);
  });

  it('status --wait returns when the job finishes', async () => {
    const { id } = await edits.enqueue(job(1));
    const pending = cli(['status', id, '--wait', '30', '--json'], env);
    const worker = startWorker(edits, () => Promise.resolve(fakeResult('s3://darkroom-out/1.jpg')));
    cleanups.push(() => worker.close());
    const run = await pending;
    expect(run.code).toBe(EXIT.ok);
    expect(run.json<EditJobStatus>().state).toBe('completed');
  });

  it('cancel: 0 cancelled, 4 unknown, 1 already finished', async () => {
    const { id } = await edits.enqueue(job(1));
    const run = await cli(['cancel', id, '--json'], env);
    expect(run.code).toBe(EXIT.ok);
    expect(run.json()).toEqual({ id, outcome: 'cancelled' });
    expect(await edits.get(id)).toMatchObject({ id });
    expect((await cli(['cancel', 'meta'], env)).code).toBe(EXIT.notFound);

    const done = await edits.enqueue(job(2));
    await finish([done.id]);
    const late = await cli(['cancel', done.id], env);
    expect(late.code).toBe(EXIT.failed);
    expect(late.stdout).toContain('already finished');
  });

  it('retry: one failed job, then every failed job with a given reason', async () => {
    const a = await edits.enqueue(job(1, { input: 's3://darkroom-in/fail-a.psd' }));
    const b = await edits.enqueue(job(2, { input: 's3://darkroom-in/fail-b.psd' }));
    const c = await edits.enqueue(job(3, { input: 's3://darkroom-in/fail-client.psd' }));
    const ok = await edits.enqueue(job(4));
    await finish([a.id, b.id, c.id, ok.id]);

    expect((await cli(['retry', ok.id], env)).code).toBe(EXIT.failed);
    expect((await cli(['retry', 'nope'], env)).code).toBe(EXIT.notFound);
    expect((await cli(['retry', '--failed', '--reason', 'bogus'], env)).code).toBe(EXIT.usage);

    const one = await cli(['retry', a.id, '--json'], env);
    expect(one.code).toBe(EXIT.ok);
    expect((await edits.get(a.id))?.state).toBe('waiting');

    const some = await cli(['retry', '--failed', '--reason', 'remote_failed', '--json'], env);
    expect(some.code).toBe(EXIT.ok);
    expect(some.json()).toEqual({ retried: 1, skipped: 0, byReason: { remote_failed: 1 } });
    expect((await edits.get(b.id))?.state).toBe('waiting');
    expect((await edits.get(c.id))?.state).toBe('failed');

    const rest = await cli(['retry', '--failed'], env);
    expect(rest.stdout).toContain('retried 1 failed job');
    expect((await edits.get(c.id))?.state).toBe('waiting');
    expect((await edits.get(c.id))?.step).toBe('submit');
  });

  it('watch --once --json prints counts per state and per account', async () => {
    await edits.enqueue(job(1, { account: 'acme' }));
    await edits.enqueue(job(2, { account: 'acme' }));
    await edits.enqueue(job(3, { account: 'globex', priority: 3 }));
    const run = await cli(['watch', '--once', '--json'], env);
    expect(run.code).toBe(EXIT.ok);
    const snapshot = run.json<WatchSnapshot>();
    expect(snapshot.counts).toMatchObject({ waiting: 2, prioritized: 1, active: 0, failed: 0 });
    expect(snapshot.accounts).toEqual({ acme: { waiting: 2 }, globex: { prioritized: 1 } });
    const human = await cli(['watch', '--once'], env);
    expect(human.stdout).toMatch(/acme\s+2\s+0/);
  });

  it('watch refreshes until it is aborted', async () => {
    await edits.enqueue(job(1));
    const controller = new AbortController();
    // Ctrl-C (the abort) once three snapshots were printed, one JSON line each.
    const run = await cli(['watch', '--interval', '100', '--json'], env, {
      signal: controller.signal,
      onStdout: (text) => {
        if ((text.match(/\n/g) ?? []).length >= 3) controller.abort();
      },
    });
    expect(run.code).toBe(EXIT.ok);
    const snapshots = run.stdout.trim().split('\n');
    expect(snapshots).toHaveLength(3);
    for (const line of snapshots) {
      expect(JSON.parse(line)).toMatchObject({ counts: { waiting: 1 } });
    }
  });

  it('exits 3 with advice when Redis is unreachable', async () => {
    const down = { REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    for (const argv of [
      ['status', 'x'],
      ['cancel', 'x'],
      ['retry', '--failed'],
      ['watch', '--once'],
      ['enqueue', '--json', JSON.stringify(job(1))],
    ]) {
      const run = await cli(argv, down);
      expect(run.code).toBe(EXIT.unreachable);
      expect(run.stderr).toContain(
        `Redis is unreachable at ${down.REDIS_URL.slice(8)}: start Redis or set REDIS_URL`,
      );
    }
  });
});
