import { UnrecoverableError } from 'bullmq';
import { EditQueue, type EditJobStatus } from '@darkroom/jobs';
import { freePort, guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { EXIT } from '../src';
import { fakeResult, startWorker } from './support/api-harness';
import { cli } from './support/cli-harness';

guardAgainstLeaks();

const job = (n: number, extra: Record<string, unknown> = {}) => ({
  operation: 'renditionCreate',
  input: `s3://darkroom-in/list-${n}.psd`,
  outputs: [{ ref: `s3://darkroom-out/list-${n}.jpg`, type: 'image/jpeg' }],
  ...extra,
});

/** The ids of a table's rows (the first column), header left out. */
const rowIds = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/)[0]);

describe('darkroom jobs', () => {
  const queueName = uniqueName('cli-list');
  const env = { REDIS_URL: redisUrl(), DARKROOM_QUEUE: queueName };
  let edits: EditQueue;
  const id: Record<string, string> = {};

  beforeAll(async () => {
    edits = new EditQueue({ connection: redisUrl(), queueName });
    id.done = (await edits.enqueue(job(1, { tenant: 'shop-a' }))).id;
    id.fail = (
      await edits.enqueue(job(2, { tenant: 'shop-b', input: 's3://darkroom-in/fail.psd' }))
    ).id;
    const worker = startWorker(edits, async (j) => {
      const data = j.data as { request: { input: string } };
      if (data.request.input.includes('fail')) {
        throw new UnrecoverableError('remote_failed: corrupt input');
      }
      await j.updateData({ ...(j.data as object), remoteJobId: 'adobe-job-77' });
      return fakeResult('s3://darkroom-out/list-1.jpg');
    });
    try {
      await waitFor(async () => {
        const counts = await edits.counts();
        return counts.completed === 1 && counts.failed === 1;
      });
    } finally {
      await worker.close();
    }
    id.waiting = (await edits.enqueue(job(3, { tenant: 'shop-a' }))).id;
  });
  afterAll(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  it('prints a table: id, state, tenant, operation, age and Adobe job id, not ended first', async () => {
    const run = await cli(['jobs'], env);
    expect(run.code).toBe(EXIT.ok);
    const [header, ...rows] = run.stdout.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'id',
      'state',
      'tenant',
      'operation',
      'age',
      'adobe job id',
    ]);
    expect(rows[0]).toMatch(
      new RegExp(`^${id.waiting}\\s+waiting\\s+shop-a\\s+renditionCreate\\s+\\d+[smhd]\\s+-$`),
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `${id.done}\\s+completed\\s+shop-a\\s+renditionCreate\\s+\\d+[smhd]\\s+adobe-job-77`,
      ),
    );
    expect(rowIds(run.stdout).sort()).toEqual(Object.values(id).sort());
  });

  it('filters by state, tenant and Adobe job id', async () => {
    expect(rowIds((await cli(['jobs', '--state', 'failed'], env)).stdout)).toEqual([id.fail]);
    expect(rowIds((await cli(['jobs', '--tenant', 'shop-a'], env)).stdout).sort()).toEqual(
      [id.done, id.waiting].sort(),
    );
    expect(rowIds((await cli(['jobs', '--adobe-job-id', 'adobe-job-77'], env)).stdout)).toEqual([
      id.done,
    ]);
    expect(
      rowIds(
        (await cli(['jobs', '--since', '1h', '--state', 'completed,failed'], env)).stdout,
      ).sort(),
    ).toEqual([id.done, id.fail].sort());
    const none = await cli(['jobs', '--tenant', 'nobody'], env);
    expect(none.code).toBe(EXIT.ok);
    expect(none.stdout.trim()).toBe('no edits match');
  });

  it('prints JSON lines with --json, each edit as GET /v1/edits/{id} shows it', async () => {
    const run = await cli(['jobs', '--json'], env);
    expect(run.code).toBe(EXIT.ok);
    const lines = run.stdout.trim().split('\n');
    const parsed = lines.map((line) => JSON.parse(line) as EditJobStatus);
    expect(parsed.map((p) => p.id).sort()).toEqual(Object.values(id).sort());
    for (const edit of parsed) expect(edit).toEqual(await edits.get(edit.id));
  });

  it('stops at --limit and tells how to go on with --cursor', async () => {
    const first = await cli(['jobs', '--limit', '1'], env);
    expect(rowIds(first.stdout)).toEqual([id.waiting]);
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1];
    expect(cursor).toEqual(expect.any(String));
    const rest = await cli(['jobs', '--cursor', cursor!, '--limit', '10'], env);
    expect(rest.code).toBe(EXIT.ok);
    expect(rest.stderr).not.toContain('--cursor');
    expect([...rowIds(first.stdout), ...rowIds(rest.stdout)].sort()).toEqual(
      Object.values(id).sort(),
    );
  });

  it('exits 2 for a bad flag, naming it', async () => {
    for (const [args, flag] of [
      [['--state', 'done'], '--state'],
      [['--limit', '0'], '--limit'],
      [['--limit', '10001'], '--limit'],
      [['--since', 'soon'], '--since'],
      [['--adobe-job-id', 'has space'], '--adobe-job-id'],
      [['--operation', 'paint'], '--operation'],
      [['--cursor', 'garbage'], '--cursor'],
    ] as const) {
      const run = await cli(['jobs', ...args], env);
      expect(run.code).toBe(EXIT.usage);
      expect(run.stderr).toContain(flag);
    }
    expect((await cli(['jobs', '--colour', 'red'], env)).code).toBe(EXIT.usage);
    expect((await cli(['jobs', 'extra'], env)).code).toBe(EXIT.usage);
  });

  it('exits 3 when Redis is unreachable', async () => {
    const down = { ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    const run = await cli(['jobs'], down);
    expect(run.code).toBe(EXIT.unreachable);
  });

  it('documents its flags in --help', async () => {
    const run = await cli(['jobs', '--help'], env);
    expect(run.code).toBe(EXIT.ok);
    for (const flag of [
      '--state',
      '--tenant',
      '--operation',
      '--account',
      '--adobe-job-id',
      '--since',
      '--limit',
      '--cursor',
      '--json',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });
});
