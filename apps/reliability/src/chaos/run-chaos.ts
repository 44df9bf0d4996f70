import { closeAll } from '@darkroom/core';
import { parseLogLines } from '../support/worker-process';
import { startLoad, type ExpectedOutput } from './chaos-load';
import { runUntilDrained } from './chaos-loop';
import { faultsServed, type ChaosReport } from './chaos-report';
import {
  CHAOS_CLIENT,
  chaosSettings,
  type ChaosOptions,
  type ChaosSettings,
} from './chaos-settings';
import { startChaosStack, type ChaosStack } from './chaos-stack';
import { createDisruptions, type Disruptions } from './disruptions';
import { createFaultSchedule } from './fault-schedule';
import { checkLedger } from './ledger-check';
import { checkSecrets } from './secret-check';
import { seededRandom } from './seeded-random';
import { createWorkerPool, type WorkerPool } from './worker-pool';

export type { ChaosOptions } from './chaos-settings';

/** What the chaos phase leaves for the checks. */
interface ChaosOutcome {
  ids: string[];
  outputs: Map<string, ExpectedOutput>;
  disruptions: Disruptions;
  wallMs: number;
  breaches: string[];
}

/** Starts the workers and the load, disrupts until the queue drains, then stops the workers. */
async function driveChaos(
  settings: ChaosSettings,
  stack: ChaosStack,
  pool: WorkerPool,
  started: number,
): Promise<ChaosOutcome> {
  const { log } = settings;
  const breaches: string[] = [];
  for (let i = 0; i < settings.workers; i += 1) pool.startOne();
  await Promise.all(pool.running.map((w) => w.started));
  log(`${settings.workers} workers up; enqueueing ${settings.jobs} jobs`);

  const load = startLoad({
    edits: stack.edits,
    input: stack.input,
    outBucket: stack.outBucket,
    jobs: settings.jobs,
  });
  const disruptions = createDisruptions({
    settings,
    pool,
    edits: stack.edits,
    redis: stack.redis,
    random: seededRandom(settings.seed),
    breaches,
    started,
  });
  const faults = createFaultSchedule(stack.emulator, stack.baseFaults, settings.seed);
  await runUntilDrained({
    settings,
    edits: stack.edits,
    load,
    faults,
    disruptions,
    breaches,
    started,
  });
  await load.done;
  await disruptions.drained();
  const wallMs = Date.now() - started;
  log(`drained in ${(wallMs / 1000).toFixed(1)} s; checking the ledger`);
  await pool.stopRunning();
  return { ids: load.ids, outputs: load.outputs, disruptions, wallMs, breaches };
}

/** Checks the outcome against the ledger and the secret scans, and writes the report. */
async function judge(
  settings: ChaosSettings,
  stack: ChaosStack,
  pool: WorkerPool,
  outcome: ChaosOutcome,
): Promise<ChaosReport> {
  const { breaches } = outcome;
  const stats = stack.emulator.stats();
  const ledger = await checkLedger({
    jobs: settings.jobs,
    ids: outcome.ids,
    outputs: outcome.outputs,
    edits: stack.edits,
    storage: stack.storage,
    stats,
    remote: stack.emulator.jobs(),
    s3Endpoint: stack.s3Endpoint,
    lines: pool.all.flatMap((w) => parseLogLines(w.lines)),
    exposure: outcome.disruptions.exposure,
    completedEvents: stack.completedEvents,
    breaches,
  });
  const scans = await checkSecrets({
    redisUrl: stack.redis.url,
    clientSecret: CHAOS_CLIENT.clientSecret,
    tokens: stack.ims.tokens(),
    workers: pool.all,
    breaches,
  });
  const { kills, sigterms, redisRestarts, longestDrainMs } = outcome.disruptions.counts();
  return {
    jobs: settings.jobs,
    ...ledger,
    kills,
    sigterms,
    redisRestarts,
    ambiguousReplies: Object.values(stats.acceptedReplyFaults).reduce((a, b) => a + b, 0),
    faults: faultsServed(stats),
    longestDrainMs,
    ...scans,
    wallMs: outcome.wallMs,
    breaches,
  };
}

/**
 * Runs edit jobs through real worker processes while killing them, draining them and
 * restarting Redis, then checks every outcome against a ledger kept apart from the workers:
 * the emulator's accepted submits per output location, its remote job list, the storage itself,
 * the queue's event stream and the workers' captured logs.
 */
export async function runChaos(options: ChaosOptions = {}): Promise<ChaosReport> {
  const settings = chaosSettings(options);
  const started = Date.now();
  const stack = await startChaosStack(settings);
  const pool = createWorkerPool(stack.env);
  try {
    const outcome = await driveChaos(settings, stack, pool, started);
    return await judge(settings, stack, pool, outcome);
  } finally {
    // Best effort, as the report is already made: a failed close must not replace it (or the
    // run's own error) with an error about cleaning up.
    await closeAll([() => pool.stopAll(2_000), () => stack.close()]).catch(() => undefined);
  }
}
