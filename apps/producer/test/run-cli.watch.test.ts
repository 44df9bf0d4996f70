import { UnrecoverableError } from 'bullmq';
import { EditQueue } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { EXIT, type WatchSnapshot } from '../src';
import { formatDuration } from '../src/cli/pace';
import { fakeResult, startWorker } from './support/api-harness';
import { cli } from './support/cli-harness';
import { dropQueueKeys } from './support/drop-queue-keys';

guardAgainstLeaks();

const job = (n: number, account: string, extra: Record<string, unknown> = {}) => ({
  operation: 'v2.createComposite',
  input: `s3://darkroom-in/${n}.psd`,
  outputs: [{ ref: `s3://darkroom-out/${n}.jpg`, mediaType: 'image/jpeg' }],
  account,
  ...extra,
});

describe('darkroom watch: pace, ETA and per-account counts', () => {
  let edits: EditQueue;
  let fair: EditQueue;
  let env: Record<string, string>;
  let queueName: string;
  beforeEach(() => {
    queueName = uniqueName('cli-watch');
    env = { REDIS_URL: redisUrl(), DARKROOM_QUEUE: queueName };
    edits = new EditQueue({ connection: redisUrl(), queueName });
    fair = new EditQueue({ connection: redisUrl(), queueName, fair: true });
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await Promise.all([edits.close(), fair.close()]);
    await dropQueueKeys(queueName);
  });

  /** Finishes every waiting edit: those whose input names `fail` fail, the others complete. */
  async function finishAll(count: number): Promise<void> {
    const worker = startWorker(edits, (j) =>
      (j.data as { request: { input: string } }).request.input.includes('fail')
        ? Promise.reject(new UnrecoverableError('remote_failed: the input is corrupt'))
        : Promise.resolve(fakeResult('s3://darkroom-out/x.jpg')),
    );
    try {
      await waitFor(
        async () => {
          const c = await edits.counts();
          return (c.completed ?? 0) + (c.failed ?? 0) === count;
        },
        { what: 'the edits to finish' },
      );
    } finally {
      await worker.close();
    }
  }

  it('shows completed and failed per minute and the ETA of the backlog at that pace', async () => {
    for (let n = 0; n < 9; n += 1) await edits.enqueue(job(n, 'acme'));
    for (let n = 9; n < 12; n += 1)
      await edits.enqueue(job(n, 'acme', { input: `s3://darkroom-in/fail-${n}.psd` }));
    await finishAll(12);
    for (let n = 12; n < 30; n += 1) await edits.enqueue(job(n, n % 3 === 0 ? 'globex' : 'acme'));

    const run = await cli(['watch', '--once', '--json'], env);
    expect(run.code).toBe(EXIT.ok);
    const snapshot = run.json<WatchSnapshot>();
    // 12 finished within the last minute: 12 a minute, so a backlog of 18 takes a minute and a half.
    expect(snapshot.pace).toEqual({
      windowSeconds: 60,
      completedPerMinute: 9,
      failedPerMinute: 3,
      backlog: 18,
      etaSeconds: 90,
    });
    const human = await cli(['watch', '--once'], env);
    expect(human.stdout).toContain(
      'pace: 9 completed and 3 failed per minute (last 60 s); backlog 18, ETA 1m 30s at this pace',
    );
  });

  it('says the ETA is unknown while nothing finishes, and that there is no backlog when there is none', async () => {
    const idle = await cli(['watch', '--once'], env);
    expect(idle.stdout).toContain(
      'pace: 0 completed and 0 failed per minute (last 60 s); no backlog',
    );
    await edits.enqueue(job(1, 'acme'));
    const stuck = await cli(['watch', '--once', '--json'], env);
    expect(stuck.json<WatchSnapshot>().pace).toMatchObject({ backlog: 1, etaSeconds: null });
  });

  it('counts every job per account exactly, parked ones too, beyond any sample of old', async () => {
    // More than the 200 the per-account view used to read, across two accounts.
    const jobs = Array.from({ length: 450 }, (_, n) => job(n, n % 3 === 0 ? 'globex' : 'acme'));
    await edits.enqueueMany(jobs);
    // Fairly enqueued edits wait in their tenants' lines, in none of BullMQ's sets.
    await fair.enqueue(job(1000, 'initech', { tenant: 'shop-1' }));
    await fair.enqueue(job(1001, 'initech', { tenant: 'shop-2' }));

    const run = await cli(['watch', '--once', '--json'], env);
    const snapshot = run.json<WatchSnapshot>();
    expect(snapshot.counts.waiting).toBe(452);
    expect(snapshot.accounts).toEqual({
      acme: { waiting: 300 },
      globex: { waiting: 150 },
      initech: { waiting: 2 },
    });
    expect(snapshot.sampled).toEqual({});
    expect(snapshot.backlog).toEqual(
      expect.arrayContaining([
        { tenant: 'shop-1', account: 'initech', waiting: 1 },
        { tenant: 'shop-2', account: 'initech', waiting: 1 },
      ]),
    );
    const human = await cli(['watch', '--once'], env);
    expect(human.stdout).toContain('per account (exact):');
    expect(human.stdout).toMatch(/^acme\s+300\s+0\s+0\s+0\s+0$/m);
  });

  it('marks a state with more jobs than --sample as sampled, saying how many were read of how many', async () => {
    await edits.enqueueMany(Array.from({ length: 40 }, (_, n) => job(n, 'acme')));
    const run = await cli(['watch', '--once', '--json', '--sample', '25'], env);
    const snapshot = run.json<WatchSnapshot>();
    expect(snapshot.sampled).toEqual({ waiting: { read: 25, of: 40 } });
    expect(snapshot.accounts).toEqual({ acme: { waiting: 25 } });
    const human = await cli(['watch', '--once', '--sample', '25'], env);
    expect(human.stdout).toContain('per account (* sampled, see below):');
    expect(human.stdout).toMatch(/^account\s+waiting\*\s+prioritized/m);
    expect(human.stdout).toContain('* waiting: counted over the newest 25 of 40 jobs (--sample)');
  });

  it('formats durations as a person reads them', () => {
    expect([5, 90, 3_725, 200_000].map(formatDuration)).toEqual([
      '5s',
      '1m 30s',
      '1h 02m',
      '2d 7h',
    ]);
  });
});
