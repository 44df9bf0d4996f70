import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EditQueue, priorityHandicap, type JobIssue } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { EXIT } from '../src';
import { PRIORITIES } from '../src/cli/priorities';
import { cli } from './support/cli-harness';
import { dropQueueKeys } from './support/drop-queue-keys';

guardAgainstLeaks();

interface Summary {
  file: string;
  lines: number;
  enqueued: number;
  rejected: { line: number; issues: JobIssue[] }[];
}

const jsonl = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    operation: 'v2.createComposite',
    input: `s3://darkroom-in/${n}.psd`,
    outputs: [{ ref: `s3://darkroom-out/${n}.jpg`, mediaType: 'image/jpeg' }],
    ...extra,
  });

describe('darkroom enqueue --from - and named priorities', () => {
  let edits: EditQueue;
  let env: Record<string, string>;
  let queueName: string;
  let dir: string;
  beforeEach(async () => {
    queueName = uniqueName('cli-stdin');
    env = { REDIS_URL: redisUrl(), DARKROOM_QUEUE: queueName };
    edits = new EditQueue({ connection: redisUrl(), queueName });
    dir = await mkdtemp(join(tmpdir(), 'darkroom-stdin-'));
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
    await dropQueueKeys(queueName);
    await rm(dir, { recursive: true, force: true });
  });

  /** The priority of each parked edit (the CLI enqueues fairly), by input. */
  async function prioritiesByInput(): Promise<Map<string, number | undefined>> {
    const parked = await edits.parked();
    return new Map(parked.map((j) => [j.data.request.input ?? '', j.opts.priority]));
  }

  it('reads a JSONL manifest from stdin, reporting bad lines by number', async () => {
    const stdin = [jsonl(1), '{ nope', jsonl(3, { priority: 7 }), ''].join('\n');
    const run = await cli(['enqueue', '--from', '-', '--json'], env, { stdin });
    expect(run.code).toBe(EXIT.usage);
    const summary = run.json<Summary>();
    expect(summary).toMatchObject({ file: 'stdin', lines: 3, enqueued: 2 });
    expect(summary.rejected).toEqual([
      { line: 2, issues: [expect.objectContaining({ rule: 'invalid_json' }) as JobIssue] },
    ]);
    expect((await edits.counts()).waiting).toBe(2);
    expect((await prioritiesByInput()).get('s3://darkroom-in/3.psd')).toBe(7);
  });

  it('reads CSV from stdin when its first line is a CSV header, with priorities by name', async () => {
    const stdin = [
      'operation,input,output,type,priority',
      'v2.createComposite,s3://darkroom-in/a.psd,s3://darkroom-out/a.jpg,image/jpeg,interactive',
      'v2.createComposite,s3://darkroom-in/b.psd,s3://darkroom-out/b.jpg,image/jpeg,Batch',
      'v2.createComposite,s3://darkroom-in/c.psd,s3://darkroom-out/c.jpg,image/jpeg,5',
      'v2.createComposite,s3://darkroom-in/d.psd,s3://darkroom-out/d.jpg,image/jpeg,urgent',
    ].join('\n');
    const run = await cli(['enqueue', '--from', '-'], env, { stdin });
    expect(run.code).toBe(EXIT.usage);
    expect(run.stdout).toContain('stdin: 4 lines, 3 enqueued, 0 duplicates, 1 rejected');
    expect(run.stdout).toMatch(/line 5: priority: .*\[invalid_type\]/);
    const priorities = await prioritiesByInput();
    expect(priorities.get('s3://darkroom-in/a.psd')).toBe(PRIORITIES.interactive);
    expect(priorities.get('s3://darkroom-in/b.psd')).toBe(PRIORITIES.batch);
    expect(priorities.get('s3://darkroom-in/c.psd')).toBe(5);
  });

  it('--format names the format whatever the name or first line says; without it, one must tell', async () => {
    const csv =
      'operation,input,output,type\nv2.createComposite,s3://darkroom-in/x.psd,s3://darkroom-out/x.jpg,image/jpeg\n';
    await writeFile(join(dir, 'jobs.txt'), csv);
    const fromFile = await cli(['enqueue', '--from', 'jobs.txt', '--format', 'csv'], env, {
      cwd: dir,
    });
    expect(fromFile.code).toBe(EXIT.ok);
    // The first line tells, so a .txt file needs no flag either.
    expect((await cli(['enqueue', '--from', 'jobs.txt'], env, { cwd: dir })).code).toBe(EXIT.ok);
    expect((await edits.counts()).waiting).toBe(2);

    const headerless = await cli(['enqueue', '--from', '-'], env, {
      stdin: 'v2.createComposite,s3://darkroom-in/x.psd,s3://darkroom-out/x.jpg,image/jpeg\n',
    });
    expect(headerless.code).toBe(EXIT.usage);
    expect(headerless.stderr).toContain('cannot tell the format of stdin');
    expect(headerless.stderr).toContain('--format jsonl or --format csv');
    const wrong = await cli(['enqueue', '--from', '-', '--format', 'xml'], env, { stdin: csv });
    expect(wrong.code).toBe(EXIT.usage);
    expect(wrong.stderr).toContain('--format takes jsonl or csv, got "xml"');
    expect((await cli(['enqueue', '--from', '-'], env)).stderr).toContain('there is none');
    expect((await edits.counts()).waiting).toBe(2);
  });

  it('--priority takes a name or a number; anything else is a usage error naming the flag', async () => {
    const flags = (input: string, priority: string) => [
      'enqueue',
      '--operation',
      'v2.createComposite',
      '--input',
      `s3://darkroom-in/${input}.psd`,
      '--output',
      `s3://darkroom-out/${input}.jpg:image/jpeg`,
      '--priority',
      priority,
    ];
    expect((await cli(flags('high', 'high'), env)).code).toBe(EXIT.ok);
    expect((await cli(flags('low', 'LOW'), env)).code).toBe(EXIT.ok);
    expect((await cli(flags('seven', '7'), env)).code).toBe(EXIT.ok);
    const priorities = await prioritiesByInput();
    expect(priorities.get('s3://darkroom-in/high.psd')).toBe(PRIORITIES.high);
    expect(priorities.get('s3://darkroom-in/low.psd')).toBe(PRIORITIES.low);
    expect(priorities.get('s3://darkroom-in/seven.psd')).toBe(7);

    for (const bad of ['urgent', '0', '2.5', '9999999', '']) {
      const run = await cli([...flags('bad', bad), '--json'], env);
      expect([bad, run.code]).toEqual([bad, EXIT.usage]);
      const { error } = run.json<{
        error: { code: string; message: string; issues: JobIssue[] };
      }>();
      expect(error.message).toContain(
        '--priority takes interactive, high, normal, low, batch or a whole number from 1 (the highest) to 2097152',
      );
      expect(error.issues).toEqual([
        expect.objectContaining({ path: '--priority', rule: 'priority' }),
      ]);
    }
    expect((await edits.counts()).waiting).toBe(3);
  });

  it('the named priorities keep their order, and normal is what an edit without one counts as', () => {
    const { interactive, high, normal, low, batch } = PRIORITIES;
    expect(interactive).toBe(1);
    expect([interactive, high, normal, low, batch]).toEqual(
      [interactive, high, normal, low, batch].sort((a, b) => a - b),
    );
    expect(new Set(Object.values(PRIORITIES)).size).toBe(5);
    expect(priorityHandicap(normal)).toBe(priorityHandicap(undefined));
    // batch waits the longest handicap there is: a lower priority would wait no longer.
    expect(priorityHandicap(batch)).toBe(priorityHandicap(batch + 1000));
    expect(priorityHandicap(batch - 1)).toBeLessThan(priorityHandicap(batch));
  });

  it('the README table of named priorities is PRIORITIES, and --help says the same', async () => {
    const readme = await readFile(join(__dirname, '..', 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z]+)` +\| (\d+) +\|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(Object.fromEntries(rows)).toEqual(PRIORITIES);
    const help = (await cli(['enqueue', '--help'], env)).stdout;
    for (const [name, n] of Object.entries(PRIORITIES)) expect(help).toContain(`${name} (${n})`);
  });
});
