import { closeAll, closeOnce } from '@darkroom/core';
import { EditQueue, type RecipeRunStatus } from '@darkroom/jobs';
import { chainedBannerRecipe, completeEveryStep, startRunWorkers } from '@darkroom/jobs/testing';
import { redisClient, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { PREFIX } from './seed-queue';

/** A headline an attacker might choose: the runs page must show it as text. */
export const HOSTILE_HEADLINE = '<script>alert("run")</script>';

/** How the failing run's `png` step fails, as a worker records an Adobe failure. */
export const STEP_FAILURE =
  'remote_failed: Adobe job adobe-job-png failed: InputValidationError <layer "Headline"> is missing';

/** The tenants whose runs the edit worker completes, fails at `png`, or holds at `text`. */
/** The held run's callback: its query stands for a signature, which no page may show. */
export const HELD_RUN_CALLBACK = 'https://hooks.example.com/runs/done?sig=s3cr3t';

export const TENANTS = { completing: 'acme', failing: 'broken', held: 'slow' } as const;

export interface SeededRuns {
  /** The edit queue; its runs queue is `runsQueueName(queue)`. */
  queue: string;
  edits: EditQueue;
  /** Ended with both steps completed; its headline is {@link HOSTILE_HEADLINE}. */
  completed: RecipeRunStatus;
  /** Failed at its `png` step with {@link STEP_FAILURE}. */
  failed: RecipeRunStatus;
  /** Still running: its `text` step's edit is delayed, `png` pending, the run asleep. */
  running: RecipeRunStatus;
  close(): Promise<void>;
}

/** Deletes every key of the edit queue and its runs queue (the run's wake-up marks too). */
async function deleteQueueKeys(queue: string): Promise<void> {
  const redis = redisClient();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}:${queue}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/**
 * Three runs of `chainedBannerRecipe` (`@darkroom/jobs/testing`) in a fresh edit queue, run by the worker's own run processor
 * in a BullMQ Worker on the runs queue, and an edit worker standing in for Adobe: by the run's
 * tenant it completes every step, fails `png`, or holds `text` for an hour. Each run is enqueued
 * once the one before it has settled, so they are newest first in the order running, failed,
 * completed.
 */
export async function seedRuns(): Promise<SeededRuns> {
  const queue = uniqueName('darkroom-edits');
  const edits = new EditQueue({
    connection: redisUrl(),
    prefix: PREFIX,
    queueName: queue,
    fair: false,
    scratch: 's3://darkroom-scratch/runs/',
  });
  // By the run's tenant, the stand-in for Adobe completes every step, fails `png`, or holds
  // `text` for an hour.
  const workers = startRunWorkers(edits, async (job, token) => {
    const step = job.data.run?.step ?? '';
    if (job.data.tenant === TENANTS.held) {
      await job.moveToDelayed(Date.now() + 3_600_000, token);
      throw new DelayedError();
    }
    await job.updateData({ ...job.data, remoteJobId: `adobe-job-${step}` });
    if (job.data.tenant === TENANTS.failing && step === 'png') {
      throw new UnrecoverableError(STEP_FAILURE);
    }
    return completeEveryStep(job);
  });
  const close = closeOnce(() =>
    closeAll([() => workers.close(), () => deleteQueueKeys(queue), () => edits.close()]),
  );

  try {
    const start = (
      tenant: string,
      params: Record<string, string>,
      more: { priority?: number; deadline?: number; callback?: { url: string } } = {},
    ) => edits.enqueueRecipe({ recipe: chainedBannerRecipe, params, tenant, ...more });
    const settled = (id: string, done: (run: RecipeRunStatus) => boolean, what: string) =>
      waitFor(
        async () => {
          const run = await edits.getRun(id);
          return run && done(run) ? run : undefined;
        },
        { what, timeoutMs: 20_000 },
      );
    const ended = (run: RecipeRunStatus): boolean =>
      run.state === 'completed' || run.state === 'failed';

    const first = await start(TENANTS.completing, { locale: 'en-GB', headline: HOSTILE_HEADLINE });
    const completed = await settled(first.id, ended, 'the completing run to end');
    const second = await start(TENANTS.failing, { locale: 'fr', headline: 'Soldes' });
    const failed = await settled(second.id, ended, 'the failing run to end');
    const third = await start(
      TENANTS.held,
      { locale: 'de', headline: 'Angebot' },
      { priority: 3, deadline: Date.now() + 7_200_000, callback: { url: HELD_RUN_CALLBACK } },
    );
    await waitFor(async () => (await edits.runs().queue.getJobState(third.id)) === 'delayed', {
      what: 'the held run to sleep',
      timeoutMs: 20_000,
    });
    const running = await settled(
      third.id,
      (run) => run.steps[0]?.state === 'delayed',
      "the held run's first step to be held",
    );
    return { queue, edits, completed, failed, running, close };
  } catch (err) {
    await close();
    throw err;
  }
}
