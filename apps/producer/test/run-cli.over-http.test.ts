import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, type Job } from 'bullmq';
import { EditQueue, type EditJobResult, type JobIssue } from '@darkroom/jobs';
import { freePort, guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { EXIT, USAGE, startProducer, type RunningProducer } from '../src';
import { HTTP_COMMANDS, REDIS_COMMANDS, commandHelp } from '../src/cli/run-cli';
import { fakeResult, startWorker } from './support/api-harness';
import { cli, type CliRun } from './support/cli-harness';
import { dropQueueKeys } from './support/drop-queue-keys';
import type { ManifestSummary } from '../src/cli/enqueue-manifest';

guardAgainstLeaks();

const TOKEN = `cli-http-${uniqueName('token').replace(/[^A-Za-z0-9-]/g, '')}`;

const job = (n: number, extra: Record<string, unknown> = {}) => ({
  operation: 'v2.createComposite',
  input: `s3://darkroom-in/${n}.psd`,
  outputs: [{ ref: `s3://darkroom-out/${n}.jpg`, mediaType: 'image/jpeg' }],
  ...extra,
});

interface ErrorDoc {
  error: { code: string; message: string; issues?: JobIssue[] };
}

/** Completes each job it takes, or fails it (`remote_failed`) when its input names `fail`. */
function outcome(j: Job): Promise<EditJobResult> {
  const data = j.data as { request: { input: string; outputs: { ref: string }[] } };
  if (data.request.input.includes('fail')) {
    return Promise.reject(new UnrecoverableError('remote_failed: the input is corrupt'));
  }
  return Promise.resolve(fakeResult(data.request.outputs[0]?.ref ?? ''));
}

describe('darkroom with DARKROOM_PRODUCER_URL: the edit commands go over HTTP, not to Redis', () => {
  let producer: RunningProducer;
  let edits: EditQueue;
  let queueName: string;
  let callbackQueue: string;
  let url: string;
  /** The CLI's environment over HTTP: its REDIS_URL is a closed port. */
  let httpEnv: Record<string, string>;
  /** The same queue read by the CLI from Redis, to compare with. */
  let redisEnv: Record<string, string>;
  let deadRedis: string;
  let dir: string;
  const runs: CliRun[] = [];

  /** `darkroom <argv>` over HTTP; every run is checked for the token afterwards. */
  async function http(
    argv: string[],
    options: Parameters<typeof cli>[2] = {},
    env: Record<string, string> = httpEnv,
  ): Promise<CliRun> {
    const run = await cli(argv, env, options);
    runs.push(run);
    return run;
  }

  /** The same command over HTTP and against Redis: code, stdout and stderr of each. */
  async function both(argv: string[]) {
    const [overHttp, fromRedis] = [await http(argv), await cli(argv, redisEnv)];
    return {
      http: { code: overHttp.code, stdout: overHttp.stdout, stderr: overHttp.stderr },
      redis: { code: fromRedis.code, stdout: fromRedis.stdout, stderr: fromRedis.stderr },
    };
  }

  /** Runs the worker until every edit of `ids` has ended. */
  async function finish(ids: string[]): Promise<void> {
    const worker = startWorker(edits, outcome);
    try {
      await waitFor(
        async () => {
          const states = await Promise.all(ids.map((id) => edits.get(id)));
          return states.every((s) => s?.state === 'completed' || s?.state === 'failed');
        },
        { what: 'the edits to end' },
      );
    } finally {
      await worker.close();
    }
  }

  beforeAll(async () => {
    queueName = uniqueName('cli-http');
    callbackQueue = uniqueName('cli-http-callbacks');
    producer = await startProducer({
      REDIS_URL: redisUrl(),
      DARKROOM_QUEUE: queueName,
      DARKROOM_CALLBACK_QUEUE: callbackQueue,
      PRODUCER_TOKENS: TOKEN,
      PRODUCER_HOST: '127.0.0.1',
      PRODUCER_PORT: '0',
      PRODUCER_METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    url = `http://127.0.0.1:${producer.port}`;
    // Not fair: the edits made here wait in BullMQ's list, where the test's worker takes them.
    edits = new EditQueue({ connection: redisUrl(), queueName });
    deadRedis = `redis://127.0.0.1:${await freePort()}`;
    httpEnv = {
      REDIS_URL: deadRedis,
      DARKROOM_QUEUE: queueName,
      DARKROOM_PRODUCER_URL: url,
      DARKROOM_PRODUCER_TOKEN: TOKEN,
    };
    redisEnv = {
      REDIS_URL: redisUrl(),
      DARKROOM_QUEUE: queueName,
      DARKROOM_CALLBACK_QUEUE: callbackQueue,
    };
    dir = await mkdtemp(join(tmpdir(), 'darkroom-cli-http-'));
  });
  afterAll(async () => {
    await producer?.close();
    await edits?.queue.obliterate({ force: true });
    await edits?.close();
    await dropQueueKeys(queueName);
    await dropQueueKeys(callbackQueue);
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    // Never printed, whatever the command or its outcome.
    for (const run of runs.splice(0)) expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('enqueue: one job from flags or JSON, idempotent replays, and an invalid job as Redis reports it', async () => {
    const flags = await http([
      'enqueue',
      '--operation',
      'v2.createComposite',
      '--input',
      's3://darkroom-in/flags.psd',
      '--output',
      's3://darkroom-out/flags.jpg:image/jpeg:512',
      '--tenant',
      'shop-http',
      '--json',
    ]);
    expect(flags.code).toBe(EXIT.ok);
    const { id } = flags.json<{ id: string; duplicate: boolean }>();
    expect(flags.json()).toEqual({ id, duplicate: false });
    // Read from Redis directly: the producer stored it.
    expect(await edits.get(id)).toMatchObject({
      id,
      operation: 'v2.createComposite',
      tenant: 'shop-http',
    });

    const keyed = JSON.stringify(job(1, { idempotencyKey: 'http-order-1' }));
    const first = await http(['enqueue', '--json', keyed]);
    const again = await http(['enqueue', '--json', keyed]);
    expect([first.code, again.code]).toEqual([EXIT.ok, EXIT.ok]);
    expect(again.stdout).toBe(
      `${first.stdout.trim()} (already enqueued with this idempotency key)\n`,
    );

    const invalid = JSON.stringify({
      operation: 'v2.createComposite',
      input: 's3://darkroom-in/x.psd',
    });
    const refused = await both(['enqueue', '--json', invalid, '--json']);
    expect(refused.http.code).toBe(EXIT.usage);
    expect(refused.http).toEqual(refused.redis);
    expect(JSON.parse(refused.http.stdout)).toMatchObject({
      error: { code: 'invalid_job', issues: [expect.objectContaining({ path: 'outputs' })] },
    });

    // The same key with another body: refused by the producer, exit 2.
    const reused = JSON.stringify(job(2, { idempotencyKey: 'http-order-1' }));
    const conflict = await http(['enqueue', '--json', reused, '--json']);
    expect(conflict.code).toBe(EXIT.usage);
    expect(conflict.json<ErrorDoc>().error.code).toBe('idempotency_conflict');
  });

  it('enqueue --from: a manifest file in batches and a CSV on stdin, bad lines rejected as Redis rejects them', async () => {
    const manifest = [
      JSON.stringify(job(10)),
      '{ not json',
      JSON.stringify({ operation: 'v2.createComposite', input: 's3://darkroom-in/11.psd' }),
      JSON.stringify(
        job(12, { outputs: [{ ref: 's3://darkroom-out/12.jpg', mediaType: 'image/gif' }] }),
      ),
      JSON.stringify(job(13)),
      JSON.stringify(job(14)),
      '',
    ].join('\n');
    const file = join(dir, 'jobs.jsonl');
    await writeFile(file, manifest);
    const run = await http(['enqueue', '--from', file, '--chunk-size', '2', '--json']);
    expect(run.code).toBe(EXIT.usage);
    const summary = run.json<ManifestSummary>();
    expect(summary).toMatchObject({ file, lines: 6, enqueued: 3, duplicates: 0 });
    expect(summary.rejected.map((r) => r.line)).toEqual([2, 3, 4]);

    // Redis (a queue of its own) rejects the same lines for the same reasons, in the same words.
    const elsewhere = uniqueName('cli-http-manifest');
    try {
      const fromRedis = await cli(['enqueue', '--from', file, '--json'], {
        REDIS_URL: redisUrl(),
        DARKROOM_QUEUE: elsewhere,
      });
      expect(fromRedis.json<ManifestSummary>().rejected).toEqual(summary.rejected);
    } finally {
      await dropQueueKeys(elsewhere);
    }

    // CSV on stdin; sent again, each line is an idempotent replay of its key.
    const stdin = [
      'operation,input,output,type,idempotency_key',
      'v2.createComposite,s3://darkroom-in/20.psd,s3://darkroom-out/20.jpg,image/jpeg,csv-20',
      'v2.createComposite,s3://darkroom-in/21.psd,s3://darkroom-out/21.jpg,image/jpeg,csv-21',
      '',
    ].join('\n');
    const piped = await http(['enqueue', '--from', '-', '--json'], { stdin });
    expect(piped.code).toBe(EXIT.ok);
    expect(piped.json<ManifestSummary>()).toMatchObject({
      file: 'stdin',
      lines: 2,
      enqueued: 2,
      rejected: [],
    });
    const replayed = await http(['enqueue', '--from', '-'], { stdin });
    expect(replayed.stdout).toBe('stdin: 2 lines, 0 enqueued, 2 duplicates, 0 rejected\n');
  });

  it('status prints what the Redis path prints, text and --json; 1 failed, 4 unknown, 5 when --wait runs out', async () => {
    const done = await edits.enqueue(job(30, { tenant: 'shop-http' }));
    const bad = await edits.enqueue(job(31, { input: 's3://darkroom-in/fail-31.psd' }));
    await finish([done.id, bad.id]);
    for (const argv of [
      ['status', done.id],
      ['status', done.id, '--json'],
      ['status', bad.id],
      ['status', bad.id, '--json'],
    ]) {
      const ran = await both(argv);
      expect([argv, ran.http]).toEqual([argv, ran.redis]);
    }
    expect((await http(['status', done.id])).code).toBe(EXIT.ok);
    expect((await http(['status', bad.id])).stdout).toMatch(
      /failure\s+remote_failed: the input is corrupt/,
    );
    expect((await http(['status', bad.id])).code).toBe(EXIT.failed);

    const missing = await http(['status', '00000000-0000-4000-8000-000000000000', '--json']);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.json<ErrorDoc>().error).toMatchObject({ code: 'not_found' });
    expect(missing.json<ErrorDoc>().error.message).toContain(`at ${url}`);

    const waiting = await edits.enqueue(job(32));
    const started = Date.now();
    const ranOut = await http(['status', waiting.id, '--wait', '0.5']);
    expect(ranOut.code).toBe(EXIT.waitTimedOut);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(ranOut.stdout).toMatch(/state\s+waiting/);
    expect(ranOut.stderr).toContain(`job ${waiting.id} is still waiting: --wait 0.5 ended first`);

    // A wait that the edit's end cuts short.
    const pending = http(['status', waiting.id, '--wait', '30', '--json']);
    const worker = startWorker(edits, outcome);
    try {
      const ended = await pending;
      expect([ended.code, ended.json<{ state: string }>().state]).toEqual([EXIT.ok, 'completed']);
    } finally {
      await worker.close();
    }
  });

  it('cancel and retry: the outcomes and exit codes of the Redis path', async () => {
    const waiting = await edits.enqueue(job(40));
    const cancelled = await http(['cancel', waiting.id, '--json']);
    expect([cancelled.code, cancelled.json()]).toEqual([
      EXIT.ok,
      { id: waiting.id, outcome: 'cancelled' },
    ]);

    const failing = await edits.enqueue(job(41, { input: 's3://darkroom-in/fail-41.psd' }));
    const completing = await edits.enqueue(job(42));
    await finish([failing.id, completing.id]);
    const late = await http(['cancel', completing.id]);
    expect([late.code, late.stdout]).toEqual([
      EXIT.failed,
      `${completing.id}: already finished: nothing to cancel\n`,
    ]);
    expect((await http(['cancel', '00000000-0000-4000-8000-000000000000'])).code).toBe(
      EXIT.notFound,
    );

    const notFailed = await both(['retry', completing.id, '--json']);
    expect(notFailed.http).toEqual(notFailed.redis);
    expect(notFailed.http.code).toBe(EXIT.failed);
    expect((await http(['retry', '00000000-0000-4000-8000-000000000000'])).code).toBe(
      EXIT.notFound,
    );

    const retried = await http(['retry', failing.id]);
    expect([retried.code, retried.stdout]).toEqual([
      EXIT.ok,
      `${failing.id}: retried from the start\n`,
    ]);
    expect((await edits.get(failing.id))?.state).not.toBe('failed');

    // Every failed edit with a reason: the one above fails again first.
    await finish([failing.id]);
    const all = await http(['retry', '--failed', '--reason', 'remote_failed', '--json']);
    expect(all.code).toBe(EXIT.ok);
    expect(all.json<{ retried: number; byReason: Record<string, number> }>()).toMatchObject({
      retried: expect.any(Number) as number,
      byReason: { remote_failed: expect.any(Number) as number },
    });
    expect((await edits.get(failing.id))?.state).not.toBe('failed');
  });

  it('jobs lists what the Redis path lists, page by page with --cursor', async () => {
    const ids = [];
    for (let n = 50; n < 53; n += 1)
      ids.push((await edits.enqueue(job(n, { tenant: 'shop-jobs' }))).id);
    const listed = await both(['jobs', '--tenant', 'shop-jobs', '--json']);
    expect(listed.http).toEqual(listed.redis);
    expect(listed.http.stdout.trim().split('\n')).toHaveLength(3);

    const text = await http(['jobs', '--tenant', 'shop-jobs']);
    expect(text.stdout).toMatch(/^id\s+state\s+tenant\s+operation\s+age\s+adobe job id$/m);
    for (const id of ids) expect(text.stdout).toContain(id);

    const first = await http(['jobs', '--tenant', 'shop-jobs', '--limit', '1', '--json']);
    const cursor = /add --cursor (\S+)/.exec(first.stderr)?.[1];
    expect(cursor).toBeDefined();
    const rest = await http(['jobs', '--tenant', 'shop-jobs', '--cursor', cursor ?? '', '--json']);
    const seen = [first, rest]
      .flatMap((r) => r.stdout.trim().split('\n'))
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(seen.sort()).toEqual([...ids].sort());

    const foreign = await http(['jobs', '--cursor', 'not-a-cursor']);
    expect(foreign.code).toBe(EXIT.usage);
    expect(foreign.stderr).toContain('--cursor');
  });

  it('usage and callbacks answer as the Redis path does', async () => {
    const usage = await both(['usage', '--since', '7d', '--json']);
    expect(usage.http.code).toBe(EXIT.ok);
    const tenants = (run: { stdout: string }) =>
      (JSON.parse(run.stdout) as { tenants: unknown[] }).tenants;
    expect(tenants(usage.http)).toEqual(tenants(usage.redis));
    expect((await http(['usage'])).stdout).toContain(`(producer ${url})`);

    const dead = await both(['callbacks', 'dead']);
    expect(dead.http).toEqual(dead.redis);
    expect(dead.http.stdout).toBe('no dead callbacks\n');
    const none = await both(['callbacks', 'redeliver', '00000000-0000-4000-8000-000000000000']);
    expect(none.http).toEqual(none.redis);
    expect(none.http.code).toBe(EXIT.notFound);
  });

  it('watch reads Redis all the same: here the closed port, exit 3', async () => {
    const run = await http(['watch', '--once']);
    expect(run.code).toBe(EXIT.unreachable);
    expect(run.stderr).toContain(`Redis is unreachable at ${deadRedis.replace('redis://', '')}`);
  });

  it('2 without DARKROOM_PRODUCER_TOKEN, or with a DARKROOM_PRODUCER_URL that is not an http(s) URL', async () => {
    const noToken = { ...httpEnv, DARKROOM_PRODUCER_TOKEN: '' };
    for (const bad of [
      { env: noToken, variable: 'DARKROOM_PRODUCER_TOKEN' },
      {
        env: { ...httpEnv, DARKROOM_PRODUCER_URL: 'ftp://127.0.0.1/' },
        variable: 'DARKROOM_PRODUCER_URL',
      },
      {
        env: { ...httpEnv, DARKROOM_PRODUCER_URL: 'not a url' },
        variable: 'DARKROOM_PRODUCER_URL',
      },
      {
        env: { ...httpEnv, DARKROOM_PRODUCER_URL: `http://user:pw@127.0.0.1:${producer.port}` },
        variable: 'DARKROOM_PRODUCER_URL',
      },
      {
        env: { ...httpEnv, DARKROOM_PRODUCER_URL: `${url}/?a=1` },
        variable: 'DARKROOM_PRODUCER_URL',
      },
      {
        env: { ...httpEnv, DARKROOM_PRODUCER_TOKEN: 'two words' },
        variable: 'DARKROOM_PRODUCER_TOKEN',
      },
    ]) {
      for (const argv of [
        ['status', 'x'],
        ['jobs'],
        ['enqueue', '--json', JSON.stringify(job(60))],
      ]) {
        const run = await http([...argv, '--json'], {}, bad.env);
        expect([argv, bad.variable, run.code]).toEqual([argv, bad.variable, EXIT.usage]);
        expect(run.json<ErrorDoc>().error.code).toBe('config');
        expect(run.json<ErrorDoc>().error.message).toContain(bad.variable);
      }
    }
    // An empty URL is no URL: the CLI reads Redis (here the closed port).
    const unset = await http(['status', 'x'], {}, { ...httpEnv, DARKROOM_PRODUCER_URL: '' });
    expect(unset.code).toBe(EXIT.unreachable);
  });

  it('2 for a token the producer refuses, naming the variable and the URL, never the token', async () => {
    const wrong = `wrong-${TOKEN}`;
    const run = await http(
      ['status', 'x', '--json'],
      {},
      { ...httpEnv, DARKROOM_PRODUCER_TOKEN: wrong },
    );
    expect(run.code).toBe(EXIT.usage);
    const { error } = run.json<ErrorDoc>();
    expect(error.code).toBe('config');
    expect(error.message).toContain('DARKROOM_PRODUCER_TOKEN');
    expect(error.message).toContain(`the producer at ${url} refused it (401 unauthorized)`);
    expect(run.stdout + run.stderr).not.toContain(wrong);
  });

  it('3 when the producer is unreachable, with one line naming its URL; --verbose logs no token', async () => {
    const gone = `http://127.0.0.1:${await freePort()}`;
    for (const argv of [
      ['status', 'x'],
      ['jobs'],
      ['cancel', 'x'],
      ['retry', '--failed'],
      ['usage'],
      ['callbacks', 'dead'],
      ['enqueue', '--json', JSON.stringify(job(70))],
    ]) {
      const run = await http(argv, {}, { ...httpEnv, DARKROOM_PRODUCER_URL: gone });
      expect([argv, run.code]).toEqual([argv, EXIT.unreachable]);
      expect([argv, run.stderr]).toEqual([
        argv,
        `darkroom: the producer is unreachable at ${gone}: start it or set DARKROOM_PRODUCER_URL\n`,
      ]);
    }
    const verbose = await http(['status', 'x', '--verbose']);
    expect(verbose.code).toBe(EXIT.notFound);
    expect(verbose.stderr).toContain(`"producer":"${url}"`);
  });

  it('--help says which commands go over HTTP and which read Redis', () => {
    expect(USAGE).toContain('DARKROOM_PRODUCER_URL');
    expect(USAGE).toContain('DARKROOM_PRODUCER_TOKEN');
    for (const name of HTTP_COMMANDS) {
      expect([name, commandHelp(name)]).toEqual([
        name,
        expect.stringContaining('Talks to the producer at DARKROOM_PRODUCER_URL'),
      ]);
    }
    for (const name of REDIS_COMMANDS) {
      expect([name, commandHelp(name)]).toEqual([
        name,
        expect.stringContaining('even when DARKROOM_PRODUCER_URL is set'),
      ]);
    }
  });
});
