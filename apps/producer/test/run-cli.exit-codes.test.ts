import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { EditQueue } from '@darkroom/jobs';
import { freePort, guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { EXIT } from '../src';
import { fakeResult, startWorker } from './support/api-harness';
import { cli } from './support/cli-harness';
import { dropQueueKeys } from './support/drop-queue-keys';

guardAgainstLeaks();

const job = (n: number) => ({
  operation: 'v2.createComposite',
  input: `s3://darkroom-in/${n}.psd`,
  outputs: [{ ref: `s3://darkroom-out/${n}.jpg`, mediaType: 'image/jpeg' }],
});

/** Every command, with arguments that reach Redis. */
const EVERY_COMMAND = [
  ['enqueue', '--json', JSON.stringify(job(1))],
  ['status', '00000000-0000-4000-8000-000000000000'],
  ['watch', '--once'],
  ['cancel', '00000000-0000-4000-8000-000000000000'],
  ['retry', '--failed'],
  ['doctor'],
  ['usage'],
  ['callbacks', 'dead'],
  ['callbacks', 'redeliver', '00000000-0000-4000-8000-000000000000'],
];

/** The rows of the exit-code table in the producer README: code and meaning. */
async function documentedCodes(): Promise<Map<number, string>> {
  const readme = await readFile(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.split('### Exit codes')[1]?.split('\n## ')[0] ?? '';
  const rows = [...section.matchAll(/^\| (\d+) +\| (.+?) +\|$/gm)];
  return new Map(rows.map((m) => [Number(m[1]), m[2] ?? '']));
}

describe('darkroom exit codes', () => {
  let edits: EditQueue;
  let env: Record<string, string>;
  let queueName: string;
  beforeEach(() => {
    queueName = uniqueName('cli-exit');
    env = { REDIS_URL: redisUrl(), DARKROOM_QUEUE: queueName };
    edits = new EditQueue({ connection: redisUrl(), queueName });
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
    await dropQueueKeys(queueName);
  });

  it('the README table has one row per code of EXIT, and --help names each', async () => {
    const rows = await documentedCodes();
    expect([...rows.keys()]).toEqual(Object.values(EXIT));
    const help = (await cli(['--help'], env)).stdout;
    for (const code of Object.values(EXIT))
      expect(help).toMatch(new RegExp(`^  ${code}  \\w`, 'm'));
  });

  it('0 ok, 1 the edit failed or the action cannot be done, 4 no such edit', async () => {
    const done = await edits.enqueue(job(1));
    const bad = await edits.enqueue({ ...job(2), input: 's3://darkroom-in/fail.psd' });
    const worker = startWorker(edits, (j) =>
      (j.data as { request: { input: string } }).request.input.includes('fail')
        ? Promise.reject(new UnrecoverableError('remote_failed: the input is corrupt'))
        : Promise.resolve(fakeResult('s3://darkroom-out/1.jpg')),
    );
    try {
      await waitFor(
        async () => (await edits.counts()).completed === 1 && (await edits.counts()).failed === 1,
        {
          what: 'both edits to finish',
        },
      );
    } finally {
      await worker.close();
    }
    expect((await cli(['status', done.id], env)).code).toBe(EXIT.ok);
    expect((await cli(['status', bad.id], env)).code).toBe(EXIT.failed);
    expect((await cli(['cancel', done.id], env)).code).toBe(EXIT.failed);
    expect((await cli(['retry', done.id], env)).code).toBe(EXIT.failed);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await cli(['status', missing], env)).code).toBe(EXIT.notFound);
    expect((await cli(['cancel', missing], env)).code).toBe(EXIT.notFound);
    expect((await cli(['retry', missing], env)).code).toBe(EXIT.notFound);
    expect((await cli(['callbacks', 'redeliver', missing], env)).code).toBe(EXIT.notFound);
  });

  it('2 for a REDIS_URL or REDIS_CLUSTER_NODES that is not one, for every command, naming the variable', async () => {
    for (const bad of [
      { REDIS_URL: 'not a url' },
      { REDIS_URL: 'http://127.0.0.1:6379' },
      { REDIS_URL: 'redis://127.0.0.1:99999' },
      { REDIS_CLUSTER_NODES: '127.0.0.1' },
    ]) {
      for (const argv of EVERY_COMMAND) {
        const run = await cli([...argv, '--json'], { ...env, ...bad });
        expect([argv, bad, run.code]).toEqual([argv, bad, EXIT.usage]);
        const { error } = run.json<{ error: { code: string; message: string } }>();
        expect(error.code).toBe('config');
        expect(error.message).toContain(Object.keys(bad)[0]);
      }
    }
  });

  it('2 for bad usage, an invalid edit or a refused one', async () => {
    expect((await cli(['frobnicate'], env)).code).toBe(EXIT.usage);
    expect((await cli(['status', 'x', '--bogus'], env)).code).toBe(EXIT.usage);
    expect((await cli(['enqueue', '--json', '{"operation":"nope"}'], env)).code).toBe(EXIT.usage);
    const quota = { ...env, DARKROOM_TENANTS: '{"shop":{"maxPerDay":1}}' };
    const keyed = (n: number) => JSON.stringify({ ...job(n), tenant: 'shop' });
    expect((await cli(['enqueue', '--json', keyed(1)], quota)).code).toBe(EXIT.ok);
    expect((await cli(['enqueue', '--json', keyed(2)], quota)).code).toBe(EXIT.usage);
    expect((await cli(['usage', '--since', 'yesterday'], env)).code).toBe(EXIT.usage);
    expect((await cli(['watch', '--sample', '0'], env)).code).toBe(EXIT.usage);
    expect((await cli(['status', 'x'], { ...env, LOG_LEVEL: 'loud' })).code).toBe(EXIT.usage);
  });

  it('3 when Redis is unreachable, for every command', async () => {
    const down = { REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    for (const argv of EVERY_COMMAND) {
      const run = await cli(argv, down);
      expect([argv, run.code]).toEqual([argv, EXIT.unreachable]);
    }
  });

  it('5 when status --wait runs out before the edit finishes, saying so; 0 once it has', async () => {
    const { id } = await edits.enqueue(job(1));
    const started = Date.now();
    const waited = await cli(['status', id, '--wait', '0.5'], env);
    expect(waited.code).toBe(EXIT.waitTimedOut);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(waited.stdout).toMatch(/state\s+waiting/);
    expect(waited.stderr).toContain(`job ${id} is still waiting: --wait 0.5 ended first`);
    // Without --wait a status is an answer, not a wait: 0 whatever the state.
    expect((await cli(['status', id], env)).code).toBe(EXIT.ok);
  });
});
