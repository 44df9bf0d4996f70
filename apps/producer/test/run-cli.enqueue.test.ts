import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EditQueue, type EditJobData, type EnqueueResult, type JobIssue } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, startRedisServer, uniqueName } from '@darkroom/testing';
import { EXIT } from '../src';
import { cli } from './support/cli-harness';
import type { ManifestSummary } from '../src/cli/enqueue-manifest';

guardAgainstLeaks();

describe('darkroom enqueue', () => {
  let edits: EditQueue;
  let env: Record<string, string>;
  let dir: string;
  beforeEach(async () => {
    const queueName = uniqueName('cli');
    // These runs include v1 operations, which a deployment allows on purpose.
    env = { REDIS_URL: redisUrl(), DARKROOM_QUEUE: queueName, DARKROOM_LEGACY_API: 'allow' };
    edits = new EditQueue({ connection: redisUrl(), queueName });
    dir = await mkdtemp(join(tmpdir(), 'darkroom-cli-'));
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('enqueues a job from flags and prints its id', async () => {
    const run = await cli(
      [
        'enqueue',
        '--operation',
        'renditionCreate',
        '--input',
        's3://darkroom-in/a.psd',
        '--output',
        's3://darkroom-out/a.jpg:image/jpeg:1024',
        '--output',
        's3://darkroom-out/a.png:image/png',
        '--account',
        'acme',
        '--priority',
        '5',
        '--callback',
        'https://hooks.example.com/edits?sig=abc',
      ],
      env,
    );
    expect(run.code).toBe(EXIT.ok);
    const id = run.stdout.trim();
    const job = await edits.queue.getJob(id);
    const data = job?.data as EditJobData;
    expect(data.account).toBe('acme');
    expect(data.callback).toEqual({ url: 'https://hooks.example.com/edits?sig=abc' });
    expect(data.request.outputs).toEqual([
      { ref: 's3://darkroom-out/a.jpg', type: 'image/jpeg', width: 1024 },
      { ref: 's3://darkroom-out/a.png', type: 'image/png' },
    ]);
    expect(job?.opts.priority).toBe(5);
  });

  it('enqueues from --json and from --json - (stdin), with --json output and duplicates', async () => {
    const job = JSON.stringify({
      operation: 'renditionCreate',
      input: 's3://darkroom-in/a.psd',
      outputs: [{ ref: 's3://darkroom-out/a.jpg', type: 'image/jpeg' }],
      idempotencyKey: 'cli-1',
    });
    const first = await cli(['enqueue', '--json', job, '--json'], env);
    expect(first.code).toBe(EXIT.ok);
    const created = first.json<EnqueueResult>();
    expect(created.duplicate).toBe(false);
    const again = await cli(['enqueue', '--json', '-', '--json'], env, { stdin: job });
    expect(again.json<EnqueueResult>()).toEqual({ id: created.id, duplicate: true });
    const human = await cli(['enqueue', '--json', job], env);
    expect(human.stdout).toContain('already enqueued');
    expect((await edits.counts()).waiting).toBe(1);
  });

  it('exits 2 naming every bad field of an invalid job, and with usage errors', async () => {
    const run = await cli(
      [
        'enqueue',
        '--json',
        '{"operation":"renditionCreate","outputs":[{"ref":"http://x/y"}]}',
        '--json',
      ],
      env,
    );
    expect(run.code).toBe(EXIT.usage);
    const { error } = run.json<{ error: { code: string; issues: JobIssue[] } }>();
    expect(error.code).toBe('invalid_job');
    expect(error.issues.map((i) => i.path)).toContain('outputs[0].ref');
    expect(run.stderr).toContain('outputs[0].ref');

    expect((await cli(['enqueue', '--json', '{nope'], env)).code).toBe(EXIT.usage);
    expect(
      (await cli(['enqueue', '--operation', 'renditionCreate', '--output', 'oops'], env)).code,
    ).toBe(EXIT.usage);
    expect((await cli(['enqueue'], env)).code).toBe(EXIT.usage);
    expect((await cli(['enqueue', '--bogus'], env)).code).toBe(EXIT.usage);
    expect((await cli(['frobnicate'], env)).code).toBe(EXIT.usage);
    expect((await edits.counts()).waiting).toBe(0);
  });

  it('enqueues 2,000 JSONL lines, reporting the 3 bad ones by line number', async () => {
    const bad = new Map<number, string>([
      [17, '{"operation":"renditionCreate","outputs":[]}'],
      [1000, '{ not json'],
      [
        1999,
        '{"operation":"nope","outputs":[{"ref":"s3://darkroom-out/x.jpg","type":"image/jpeg"}]}',
      ],
    ]);
    const lines = Array.from({ length: 2000 }, (_, i) => {
      const line = i + 1;
      return (
        bad.get(line) ??
        JSON.stringify({
          operation: 'renditionCreate',
          input: `s3://darkroom-in/${line}.psd`,
          outputs: [{ ref: `s3://darkroom-out/${line}.jpg`, type: 'image/jpeg', width: 256 }],
          ...(line % 10 === 0 ? { idempotencyKey: `line-${line}` } : {}),
        })
      );
    });
    const file = join(dir, 'manifest.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    const run = await cli(['enqueue', '--from', file, '--json', '--chunk-size', '300'], env);
    expect(run.code).toBe(EXIT.usage);
    const summary = run.json<ManifestSummary>();
    expect(summary).toMatchObject({ lines: 2000, enqueued: 1997, duplicates: 0 });
    expect(summary.rejected.map((r) => r.line)).toEqual([17, 1000, 1999]);
    expect(summary.rejected[0]?.issues[0]).toMatchObject({ path: 'outputs' });
    expect(summary.rejected[1]?.issues[0]).toMatchObject({ rule: 'invalid_json' });
    expect(summary.rejected[2]?.issues[0]).toMatchObject({ path: 'operation' });
    expect((await edits.counts()).waiting).toBe(1997);
    // Periodic progress lines go to stderr, never into the JSON document.
    expect(run.stderr).toMatch(/progress: 2000\/2000 lines/);

    // Running the manifest again: keyed lines are duplicates, the others new jobs.
    const again = await cli(['enqueue', '--from', file], env);
    expect(again.code).toBe(EXIT.usage);
    expect(again.stdout).toContain('2000 lines, 1798 enqueued, 199 duplicates, 3 rejected');
    expect(again.stdout).toMatch(/line 17: outputs: .*\[too_small\]/);
  });

  it('enqueues a CSV manifest with the documented columns; a key reused with another body is rejected', async () => {
    await cli(
      [
        'enqueue',
        '--json',
        JSON.stringify({
          operation: 'renditionCreate',
          input: 's3://darkroom-in/z.psd',
          outputs: [{ ref: 's3://darkroom-out/z.jpg', type: 'image/jpeg' }],
          idempotencyKey: 'taken',
        }),
      ],
      env,
    );
    const csv = [
      'operation,input,output,type,width,account,tenant,idempotency_key,priority',
      'renditionCreate,s3://darkroom-in/a.psd,s3://darkroom-out/a.jpg,image/jpeg,512,acme,shop-1,,3',
      '"renditionCreate","s3://darkroom-in/b,c.psd",s3://darkroom-out/b.png,image/png,,,,,',
      'renditionCreate,s3://darkroom-in/c.psd,s3://darkroom-out/c.jpg,image/jpeg,wide,,,,',
      'renditionCreate,s3://darkroom-in/d.psd,s3://darkroom-out/d.jpg,image/jpeg,,,,taken,',
      '',
    ].join('\r\n');
    const file = join(dir, 'jobs.csv');
    await writeFile(file, csv);
    const run = await cli(['enqueue', '--from', 'jobs.csv', '--json'], env, { cwd: dir });
    const summary = run.json<ManifestSummary>();
    expect(summary).toMatchObject({ lines: 4, enqueued: 2, duplicates: 0 });
    expect(summary.rejected).toEqual([
      {
        line: 4,
        issues: [
          expect.objectContaining({ path: 'outputs[0].width', rule: 'invalid_type' }) as JobIssue,
        ],
      },
      { line: 5, issues: [expect.objectContaining({ rule: 'idempotency_conflict' }) as JobIssue] },
    ]);
    expect(run.code).toBe(EXIT.usage);
    // The CLI enqueues fairly: its edits wait parked in their tenants' lines.
    const jobs = await edits.parked();
    const byInput = new Map(jobs.map((j) => [j.data.request.input, j.data]));
    expect(byInput.get('s3://darkroom-in/a.psd')).toMatchObject({
      account: 'acme',
      tenant: 'shop-1',
    });
    expect(byInput.get('s3://darkroom-in/b,c.psd')?.request.outputs).toEqual([
      { ref: 's3://darkroom-out/b.png', type: 'image/png' },
    ]);

    await writeFile(join(dir, 'bad.csv'), 'operation,output,colour\n');
    const badHeader = await cli(['enqueue', '--from', join(dir, 'bad.csv')], env);
    expect(badHeader.code).toBe(EXIT.usage);
    expect(badHeader.stderr).toContain('unknown CSV column "colour"');
  });

  it('draws a progress bar on a terminal', async () => {
    const file = join(dir, 'few.jsonl');
    const job = {
      operation: 'renditionCreate',
      input: 's3://darkroom-in/a.psd',
      outputs: [{ ref: 's3://darkroom-out/a.jpg', type: 'image/jpeg' }],
    };
    await writeFile(file, [job, job, job].map((j) => JSON.stringify(j)).join('\n'));
    const run = await cli(['enqueue', '--from', file, '--chunk-size', '1'], env, { tty: true });
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toContain('\r[##########');
    expect(run.stderr).toContain('3/3 lines, 3 enqueued');
  });

  it('exits 3 and says how far it got when Redis goes away part-way through a manifest', async () => {
    const redis = await startRedisServer();
    try {
      const file = join(dir, 'long.jsonl');
      const lines = Array.from({ length: 40 }, (_, i) =>
        JSON.stringify({
          operation: 'v2.createComposite',
          input: `s3://darkroom-in/${i}.psd`,
          outputs: [{ ref: `s3://darkroom-out/${i}.jpg`, mediaType: 'image/jpeg' }],
        }),
      );
      await writeFile(file, lines.join('\n'));
      let stopping: Promise<void> | undefined;
      const run = await cli(
        ['enqueue', '--from', file, '--chunk-size', '1'],
        { REDIS_URL: redis.url },
        {
          tty: true,
          // Kill Redis once the first chunk is in.
          onStderr: (text) => {
            if (!stopping && text.includes('] 1/40')) stopping = redis.stop({ kill: true });
          },
        },
      );
      await stopping;
      expect(run.code).toBe(EXIT.unreachable);
      expect(run.stderr).toMatch(
        /(\d+) jobs were enqueued, up to line \1, before Redis became unreachable/,
      );
    } finally {
      await redis.close();
    }
  });
  it('refuses a v1 operation unless the deployment allows retired APIs, and enqueues v2 from flags', async () => {
    const { DARKROOM_LEGACY_API: _allowed, ...strict } = env;
    const refused = await cli(
      [
        'enqueue',
        '--operation',
        'renditionCreate',
        '--input',
        's3://photos-in/a.psd',
        '--output',
        's3://photos-out/a.jpg:image/jpeg',
      ],
      strict,
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('renditionCreate is on an Adobe API retired on 2026-07-31');
    const v2 = await cli(
      [
        'enqueue',
        '--operation',
        'v2.createComposite',
        '--input',
        's3://photos-in/a.psd',
        '--output',
        's3://photos-out/a.jpg:image/jpeg:1024',
        '--json',
      ],
      strict,
    );
    expect(v2.code).toBe(0);
    const { id } = JSON.parse(v2.stdout) as { id: string };
    const stored = await edits.queue.getJob(id);
    expect(stored?.data.request.outputs).toEqual([
      { ref: 's3://photos-out/a.jpg', mediaType: 'image/jpeg', width: 1024 },
    ]);
  });
});
