import { randomUUID } from 'node:crypto';
import { closeAll, closeOnce } from '@darkroom/core';
import { redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { DelayedError, Queue, Worker } from 'bullmq';

export const PREFIX = '{darkroom-test}';

export interface SeedJob {
  name: string;
  data: Record<string, unknown>;
  /** The worker fails this job with this message instead of completing it. */
  failWith?: string;
  /** What the worker returns when it completes the job. */
  returnValue?: unknown;
  /**
   * Pick-ups before the job ends: the worker hands it back as a delayed job until then, as
   * Darkroom's step machine does between polls.
   */
  pickUps?: number;
}

export interface SeededQueue {
  name: string;
  queue: Queue;
  /** Ids of the seeded jobs, in seeding order. */
  ids: string[];
  close(): Promise<void>;
}

/**
 * A fresh queue whose jobs went through a real BullMQ Worker: completed or failed with a reason,
 * as a Darkroom worker leaves them. `waiting` jobs are added after the worker stops and stay.
 */
export async function seedQueue(
  jobs: SeedJob[],
  waiting: SeedJob[] = [],
  name = uniqueName('darkroom-edits'),
): Promise<SeededQueue> {
  const connection = { url: redisUrl() };
  const queue = new Queue(name, { connection, prefix: PREFIX });
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const worker = new Worker(
    name,
    async (job, token) => {
      const seed = byName.get(job.name);
      if (seed?.pickUps !== undefined && job.attemptsStarted < seed.pickUps) {
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (seed?.failWith !== undefined) throw new Error(seed.failWith);
      return seed?.returnValue ?? { ok: true };
    },
    { connection: { ...connection, maxRetriesPerRequest: null }, prefix: PREFIX, concurrency: 4 },
  );
  try {
    const added = [];
    // Ids shaped as EditQueue gives them, so edit searches take the jobs for edits.
    for (const job of jobs) {
      added.push(await queue.add(job.name, job.data, { attempts: 1, jobId: randomUUID() }));
    }
    const expectFailed = jobs.filter((j) => j.failWith !== undefined).length;
    const expectCompleted = jobs.length - expectFailed;
    await waitFor(
      async () => {
        const counts = await queue.getJobCounts('completed', 'failed');
        return counts.completed === expectCompleted && counts.failed === expectFailed;
      },
      { what: `the worker to finish ${jobs.length} seeded jobs`, timeoutMs: 15_000 },
    );
    await worker.close();
    for (const job of waiting) {
      added.push(await queue.add(job.name, job.data, { jobId: randomUUID() }));
    }
    return {
      name,
      queue,
      ids: added.map((j) => String(j.id)),
      close: closeOnce(() =>
        closeAll([() => queue.obliterate({ force: true }), () => queue.close()]),
      ),
    };
  } catch (err) {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    throw err;
  }
}

/**
 * Job data shaped like what Darkroom's queue stores (`EditJobData`), with a secret planted in
 * the status link where none should ever be. `overrides` replaces top-level fields and
 * `request` fields are merged.
 */
export function darkroomJobData(
  overrides: Record<string, unknown> = {},
  request: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    v: 1,
    request: {
      operation: 'autoTone',
      input: 's3://darkroom-in/cats/cat.psd',
      outputs: [{ ref: 's3://darkroom-out/cats/cat.png', type: 'image/png' }],
      options: {},
      ...request,
    },
    account: 'acct-a',
    deadlineAt: 1_764_399_600_000,
    enqueuedAt: 1_764_396_000_000,
    fingerprint: '9f86d081884c7d65',
    nonce: 'c0ffee',
    step: 'poll',
    statusUrl:
      'https://image.adobe.io/pie/psdService/status/8ec6e2c6-3b2a-4d0e?X-Amz-Signature=planted0sig1',
    remoteJobId: '8ec6e2c6-3b2a-4d0e',
    submittedAt: 1_764_396_001_000,
    polls: 3,
    ...overrides,
  };
}
