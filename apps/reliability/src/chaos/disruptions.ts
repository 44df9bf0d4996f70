import type { Job } from 'bullmq';
import type { EditJobData, EditJobResult, EditQueue } from '@darkroom/jobs';
import type { RedisServer } from '@darkroom/testing';
import { DRAIN_TIMEOUT_MS, pause, type ChaosSettings } from './chaos-settings';
import type { WorkerPool } from './worker-pool';

/** What the kills, stops and restarts did. */
export interface DisruptionCounts {
  kills: number;
  sigterms: number;
  redisRestarts: number;
  /** Longest SIGTERM-to-exit time of a draining worker, in ms. */
  longestDrainMs: number;
}

/** SIGKILLs, SIGTERMs and Redis restarts, each on its own schedule over the run's progress. */
export interface Disruptions {
  /** Takes whichever disruptions are due with `finished` of the jobs done. */
  step(finished: number): Promise<void>;
  /**
   * Jobs active when a worker was killed or Redis stopped, with how often: a kill can catch a
   * job between its POST and its checkpoint, which explains a second accepted submit.
   */
  exposure: Map<string, number>;
  /** Resolves once every SIGTERM'd worker has exited and its drain was judged. */
  drained(): Promise<void>;
  counts(): DisruptionCounts;
}

interface DisruptionTargets {
  settings: ChaosSettings;
  pool: WorkerPool;
  edits: EditQueue;
  redis: RedisServer;
  random: () => number;
  breaches: string[];
  /** When the run started: the first SIGKILL waits `killEveryMs` from here. */
  started: number;
}

/** Records the jobs active right now (any worker's: a superset of the victim's). */
async function snapshotExposure(edits: EditQueue, exposure: Map<string, number>): Promise<void> {
  try {
    const active = (await edits.queue.getActive()) as Array<Job<EditJobData, EditJobResult>>;
    for (const job of active) exposure.set(String(job.id), (exposure.get(String(job.id)) ?? 0) + 1);
  } catch {
    // Redis unreachable: nothing can be active-and-checkpointing without it either.
  }
}

export function createDisruptions(t: DisruptionTargets): Disruptions {
  const { settings, pool, edits, random, breaches } = t;
  const log = settings.log;
  const counts: DisruptionCounts = { kills: 0, sigterms: 0, redisRestarts: 0, longestDrainMs: 0 };
  const exposure = new Map<string, number>();
  const drainWaits: Promise<void>[] = [];
  let lastKill = t.started;

  const kill = async (finished: number): Promise<void> => {
    if (counts.kills >= settings.maxKills || pool.running.length === 0) return;
    if (Date.now() - lastKill <= settings.killEveryMs) return;
    lastKill = Date.now();
    const victim = pool.running[Math.floor(random() * pool.running.length)]!;
    pool.remove(victim);
    await snapshotExposure(edits, exposure);
    victim.kill('SIGKILL');
    counts.kills += 1;
    log(`SIGKILL ${victim.name} at ${finished}/${settings.jobs}`);
    pool.startOne();
  };

  // SIGTERM goes to a worker that finished starting: before its handlers are installed, the
  // signal's default action ends the process, which says nothing about draining.
  const terminate = (finished: number): void => {
    const ready = pool.running.filter((w) => w.port() !== undefined);
    const due = finished / settings.jobs >= 0.25 * (counts.sigterms + 1);
    if (counts.sigterms >= settings.sigterms || !due || ready.length === 0) return;
    const victim = ready[Math.floor(random() * ready.length)]!;
    pool.remove(victim);
    const sentAt = Date.now();
    victim.kill('SIGTERM');
    counts.sigterms += 1;
    log(`SIGTERM ${victim.name} at ${finished}/${settings.jobs}`);
    drainWaits.push(
      victim.exited.then(({ code, at }) => {
        counts.longestDrainMs = Math.max(counts.longestDrainMs, at - sentAt);
        if (code !== 0) breaches.push(`${victim.name} exited ${String(code)} after SIGTERM`);
        // tsx and process teardown add a little to the worker's own drain deadline.
        if (at - sentAt > DRAIN_TIMEOUT_MS + 5_000) {
          breaches.push(`${victim.name} took ${at - sentAt} ms to drain`);
        }
      }),
    );
    pool.startOne();
  };

  const restartRedis = async (finished: number): Promise<void> => {
    if (counts.redisRestarts >= settings.redisRestarts || finished / settings.jobs < 0.4) return;
    counts.redisRestarts += 1;
    await snapshotExposure(edits, exposure);
    log(`Redis stop at ${finished}/${settings.jobs}`);
    await t.redis.stop();
    await pause(settings.redisDownMs);
    await t.redis.start();
    log('Redis back');
  };

  return {
    step: async (finished) => {
      await kill(finished);
      terminate(finished);
      await restartRedis(finished);
    },
    exposure,
    drained: async () => {
      await Promise.all(drainWaits);
    },
    counts: () => ({ ...counts }),
  };
}
