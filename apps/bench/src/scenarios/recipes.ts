import type { Queue } from 'bullmq';
import { DEFAULT_DURATIONS } from '@darkroom/emulator';
import {
  bindRecipe,
  DEFAULT_EVENTS_MAX_LEN,
  exampleRecipesAt,
  productCutoutRecipe,
  type EditQueue,
  type RecipeInput,
  type RecipeRunData,
  type RecipeRunResult,
} from '@darkroom/jobs';
import { adobeRateLimits, getOperation } from '@darkroom/photoshop';
import {
  IN_BUCKET,
  OUT_BUCKET,
  removeEditQueue,
  renditionJob,
  startBenchStack,
  usedMemory,
  waitUntilFinished,
  type BenchStack,
  type Finished,
  type WorkerSettings,
} from '../harness/bench-stack';
import type { WorkerFleet } from '../harness/worker-fleet';
import {
  expectedDurationMs,
  longestChain,
  makespanFloor,
  type FloorStep,
  type MakespanFloor,
} from '../makespan-floor';
import { formatNumber, type DerivedFigure, type Measurement } from '../report';
import { mean, median, percentile, ratio } from '../stats';
import { aimedRatePerSecond, aimedSubmitsPerSecond, TIME_FACTOR } from './rate-budget';
import { buildResult, rounded, type Scenario, type ScenarioContext } from './scenario';

const WORKERS = 2;
const SCRATCH_BUCKET = 'bench-scratch';
/**
 * A batch's scratch prefix, a folder per queue so each batch counts what it left: each run writes
 * its cut-out under `<scratch><runId>/`.
 */
const scratchOf = (queueName: string): string => `s3://${SCRATCH_BUCKET}/${queueName}/`;
/** `enqueueRecipe` calls in flight at once: intake is not what a makespan measures. */
const ENQUEUE_CONCURRENCY = 16;
/** Runs whose stored data is read back to say what a waiting run holds. */
const DATA_SAMPLE = 100;
const SETTINGS: WorkerSettings = {
  concurrency: 50,
  budgetTimeScale: TIME_FACTOR,
  expectedDurationScale: TIME_FACTOR,
};

const STEADY = `A: steady, ${WORKERS} workers`;
const WAITING_RUN = 'waiting run (no workers)';
const WAITING_EDIT = 'waiting edit (renditionCreate, as in scale)';
const killsVariant = (everyS: number): string =>
  `B: a worker SIGKILLed every ${everyS} s and replaced`;

/** The product recipe with its files in the bench's buckets, under `tag`. */
function productRecipe(tag: string): RecipeInput {
  const recipes = exampleRecipesAt({
    inputs: `s3://${IN_BUCKET}/${tag}`,
    outputs: `s3://${OUT_BUCKET}/${tag}`,
  });
  const recipe = recipes[productCutoutRecipe.name];
  if (!recipe) throw new Error(`no example recipe ${productCutoutRecipe.name}`);
  return recipe;
}

/** The recipe's steps as the floor reads them: bound once, as every run binds them. */
async function floorSteps(): Promise<FloorStep[]> {
  const bound = await bindRecipe(
    productRecipe('floor'),
    { sku: 'sku-0' },
    {
      runId: 'run-floor',
      scratch: scratchOf('floor'),
    },
  );
  return bound.steps.map((s) => ({ name: s.name, needs: s.needs, operation: s.edit.operation }));
}

/** Each step's duration class and its range in the emulator (before the time factor). */
function emulatorRange(step: FloorStep) {
  const durationClass = getOperation(step.operation).durationClass;
  return { durationClass, ...DEFAULT_DURATIONS[durationClass] };
}

/**
 * The floor's chain at the emulator's own durations, in seconds at the time factor: each step at
 * the mean of the range it is drawn from, or at its longest.
 */
function emulatorChainSeconds(steps: readonly FloorStep[], at: 'mean' | 'longest'): number {
  const { ms } = longestChain(steps, (s) => {
    const range = emulatorRange(s);
    return at === 'mean' ? (range.minMs + range.maxMs) / 2 : range.maxMs;
  });
  return (ms * TIME_FACTOR) / 1000;
}

/** Enqueues `count` runs of `recipe`, each with its own `sku`, a few calls at a time. */
async function enqueueRuns(edits: EditQueue, recipe: RecipeInput, count: number) {
  const ids: string[] = new Array<string>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      ids[i] = (await edits.enqueueRecipe({ recipe, params: { sku: `sku-${i}` } })).id;
    }
  };
  await Promise.all(Array.from({ length: Math.min(ENQUEUE_CONCURRENCY, count) }, lane));
  return ids;
}

/**
 * Kills a worker process every `everyMs` (the slots in turn) with SIGKILL and starts its
 * replacement, until stopped; `stop` resolves with the number of kills.
 */
function startKills(
  fleet: WorkerFleet,
  everyMs: number,
  log: (message: string) => void,
): { stop(): Promise<number> } {
  let stopped = false;
  let kills = 0;
  let wake: (() => void) | undefined;
  const pause = (): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, everyMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    for (let slot = 0; !stopped; slot = (slot + 1) % WORKERS) {
      await pause();
      if (stopped) return;
      await fleet.kill(slot, 'SIGKILL');
      kills += 1;
      log(`recipes: worker ${slot} SIGKILLed (kill ${kills}), starting its replacement`);
      await fleet.restart(slot);
    }
  })();
  // Kept until `stop` rethrows it: a replacement that fails to start fails the measurement.
  loop.catch(() => undefined);
  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
      return kills;
    },
  };
}

/** Waits for every run to end, or reports how many had when the deadline passed. */
async function runsFinished(
  runs: Queue,
  total: number,
  timeoutMs: number,
): Promise<Finished & { timedOut: boolean }> {
  const counts = () => runs.getJobCounts('completed', 'failed');
  try {
    return { ...(await waitUntilFinished(counts, total, timeoutMs)), timedOut: false };
  } catch {
    const c = await counts();
    return { completed: c.completed ?? 0, failed: c.failed ?? 0, at: Date.now(), timedOut: true };
  }
}

/** Every submit, accepted job and 429 the emulator has counted since its last reset. */
function adobeCalls(stack: BenchStack) {
  return Object.values(stack.emulator.stats().clients).reduce(
    (sum, c) => ({
      submits: sum.submits + c.submits,
      accepted: sum.accepted + c.accepted,
      throttled: sum.throttled + c.throttled,
    }),
    { submits: 0, accepted: 0, throttled: 0 },
  );
}

/**
 * Adobe jobs created since `known`: how many of each step's operation, when the cut-outs were
 * let through (first to last), and when the first card was.
 */
function adobeJobs(stack: BenchStack, known: ReadonlySet<string>) {
  const fresh = stack.emulator.jobs().filter((j) => !known.has(j.jobId));
  const createdAt = (operation: string): number[] =>
    fresh
      .filter((j) => j.operation === operation)
      .map((j) => Date.parse(j.createdAt))
      .sort((a, b) => a - b);
  const cutouts = createdAt(productCutoutRecipe.steps.cutout.operation);
  const cards = createdAt(productCutoutRecipe.steps.card.operation);
  const spanS = cutouts.length > 1 ? (cutouts[cutouts.length - 1]! - cutouts[0]!) / 1000 : NaN;
  return {
    cutouts: cutouts.length,
    cards: cards.length,
    cutoutRatePerSecond: (cutouts.length - 1) / spanS,
    lastCutoutAt: cutouts[cutouts.length - 1] ?? NaN,
    firstCardAt: cards[0] ?? NaN,
  };
}

/**
 * What the ended runs report: files removed from scratch, each completed run's time from its
 * enqueue to its end, and why the failed ones failed.
 */
async function endedRuns(runs: Queue<RecipeRunData, RecipeRunResult>, total: number) {
  const completed = await runs.getCompleted(0, total);
  const removed = completed.reduce((sum, job) => sum + (job.returnvalue?.removed ?? 0), 0);
  const latenciesS = completed.map(
    (job) => ((job.finishedOn ?? Number.NaN) - job.data.enqueuedAt) / 1000,
  );
  const reasons = new Map<string, number>();
  for (const job of await runs.getFailed(0, total)) {
    const reason = job.data.failure?.reason ?? job.failedReason ?? 'unknown';
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  return { removed, latenciesS, reasons };
}

interface BatchPlan {
  variant: string;
  runs: number;
  floor: MakespanFloor;
  timeoutMs: number;
  killEveryMs?: number;
}

/** One batch on a cold Redis: fleet up, every run enqueued, measured until the last ends. */
async function runBatch(
  ctx: ScenarioContext,
  stack: BenchStack,
  plan: BatchPlan,
  failures: string[],
): Promise<Record<string, number>> {
  await stack.client.flushall();
  const queueName = stack.newQueueName();
  const edits = stack.editQueue(queueName, { scratch: scratchOf(queueName) });
  const runs = edits.runs().queue;
  const fleet = await stack.startWorkers(WORKERS, queueName, SETTINGS);
  try {
    await edits.counts(); // connects, so the first enqueue does not pay for it
    await runs.getJobCounts();
    stack.emulator.resetStats();
    const known = new Set(stack.emulator.jobs().map((j) => j.jobId));
    const recipe = productRecipe(queueName);
    const started = Date.now();
    const kills = plan.killEveryMs
      ? startKills(fleet, plan.killEveryMs, (m) => ctx.log(m))
      : undefined;
    let finished: Finished & { timedOut: boolean };
    let enqueueS: number;
    let killCount = 0;
    try {
      await enqueueRuns(edits, recipe, plan.runs);
      enqueueS = (Date.now() - started) / 1000;
      finished = await runsFinished(runs, plan.runs, plan.timeoutMs);
    } finally {
      killCount = (await kills?.stop()) ?? 0;
    }
    const makespanS = (finished.at - started) / 1000;
    const calls = adobeCalls(stack);
    const jobs = adobeJobs(stack, known);
    const ended = await endedRuns(runs, plan.runs);
    for (const [reason, count] of ended.reasons) {
      failures.push(`${count} × ${reason}`);
      ctx.log(`recipes (${plan.variant}): ${count} run(s) failed: ${reason}`);
    }
    const cutoutRate = aimedRatePerSecond('submit-cutout', TIME_FACTOR);
    return {
      runs: plan.runs,
      completed: finished.completed,
      failed: finished.failed,
      // No failure reason is expected here: every run that did not complete is lost.
      lost: plan.runs - finished.completed,
      timedOut: finished.timedOut ? 1 : 0,
      makespanS,
      floorS: plan.floor.floorSeconds,
      makespanOverFloor: makespanS / plan.floor.floorSeconds,
      // Where the makespan went: letting every cut-out through, then the runs still under way.
      lastCutoutS: (jobs.lastCutoutAt - started) / 1000,
      tailS: (finished.at - jobs.lastCutoutAt) / 1000,
      firstCardS: (jobs.firstCardAt - started) / 1000,
      runLatencyP50S: median(ended.latenciesS),
      runLatencyP95S: percentile(ended.latenciesS, 0.95),
      enqueueS,
      submits: calls.submits,
      accepted: calls.accepted,
      acceptedPerRun: calls.accepted / Math.max(1, finished.completed),
      cutouts: jobs.cutouts,
      cards: jobs.cards,
      cutoutRatePerSecond: jobs.cutoutRatePerSecond,
      cutoutShareOfAimedPct: (jobs.cutoutRatePerSecond / cutoutRate) * 100,
      throttled: calls.throttled,
      kills: killCount,
      scratchRemoved: ended.removed,
      scratchLeft: stack.sink.objectsUnder(SCRATCH_BUCKET, `${queueName}/`),
      outputsWritten: stack.sink.objectsUnder(OUT_BUCKET, `${queueName}/`),
    };
  } finally {
    await fleet.close();
    await runs.obliterate({ force: true }).catch(() => undefined);
    await removeEditQueue(stack.client, edits).catch(() => undefined);
    await edits.close();
  }
}

/**
 * Variants A and B, `ctx.runs` times each, on one stack with Adobe's limits at a tenth; the
 * reasons of failed runs go to `failures`, one line per batch that had any.
 */
async function measureBatches(
  ctx: ScenarioContext,
  plans: readonly BatchPlan[],
  failures: string[],
): Promise<Measurement[]> {
  const stack = await startBenchStack({ timeFactor: TIME_FACTOR, scaleRateLimits: true });
  const measurements: Measurement[] = [];
  try {
    for (let run = 1; run <= ctx.runs; run += 1) {
      for (const plan of plans) {
        const reasons: string[] = [];
        const metrics = await runBatch(ctx, stack, plan, reasons);
        if (reasons.length > 0) failures.push(`${plan.variant}, run ${run}: ${reasons.join(', ')}`);
        measurements.push({ variant: plan.variant, run, metrics: rounded(metrics) });
        ctx.log(
          `recipes (${plan.variant}) run ${run}: makespan ${metrics.makespanS?.toFixed(1)} s (${metrics.makespanOverFloor?.toFixed(2)}× the floor), ${metrics.completed} completed, ${metrics.lost} lost, ${metrics.throttled} 429s, ${metrics.kills} kills, ${metrics.scratchLeft} scratch objects left`,
        );
      }
    }
  } finally {
    await stack.close();
  }
  return measurements;
}

/** Redis `used_memory` after minus before `add`, over `count`. */
async function bytesPer(stack: BenchStack, count: number, add: () => Promise<void>) {
  await stack.client.flushall();
  const before = await usedMemory(stack.client);
  const started = Date.now();
  await add();
  const seconds = (Date.now() - started) / 1000;
  return { bytes: ((await usedMemory(stack.client)) - before) / count, perSecond: count / seconds };
}

/**
 * Redis bytes of a waiting run (nothing consumes it), then of a waiting edit the way the scale
 * scenario enqueues one, on the same emptied Redis, the same count.
 */
async function measureWaiting(ctx: ScenarioContext, count: number): Promise<Measurement[]> {
  const stack = await startBenchStack({ timeFactor: 0, limits: false });
  try {
    const queueName = stack.newQueueName();
    const edits = stack.editQueue(queueName, { scratch: scratchOf(queueName) });
    const runs = edits.runs().queue;
    let ids: string[] = [];
    const run = await bytesPer(stack, count, async () => {
      await edits.counts();
      await runs.getJobCounts();
      ids = await enqueueRuns(edits, productRecipe(edits.queueName), count);
    });
    const sample = ids.slice(0, DATA_SAMPLE);
    const dataBytes = mean(
      await Promise.all(sample.map((id) => stack.client.hstrlen(runs.toKey(id), 'data'))),
    );
    ctx.log(`recipes: ${count} waiting runs, ${run.bytes.toFixed(0)} Redis bytes each`);
    const plain = stack.editQueue(stack.newQueueName());
    const edit = await bytesPer(stack, count, async () => {
      await plain.counts();
      const inputs = Array.from({ length: count }, (_, i) => renditionJob(plain.queueName, i));
      await plain.enqueueMany(inputs, { chunkSize: 1_000 });
    });
    ctx.log(`recipes: ${count} waiting edits, ${edit.bytes.toFixed(0)} Redis bytes each`);
    return [
      {
        variant: WAITING_RUN,
        run: 1,
        metrics: rounded({
          runs: count,
          bytesPerWaiting: run.bytes,
          dataBytes,
          enqueuePerS: run.perSecond,
        }),
      },
      {
        variant: WAITING_EDIT,
        run: 1,
        metrics: rounded({ bytesPerWaiting: edit.bytes, enqueuePerS: edit.perSecond }),
      },
    ];
  } finally {
    await stack.close();
  }
}

const COLUMNS = [
  { key: 'completed', label: 'completed', digits: 0 },
  { key: 'failed', label: 'failed', digits: 0 },
  { key: 'lost', label: 'lost', digits: 0 },
  { key: 'makespanS', label: 'makespan s', digits: 1 },
  { key: 'floorS', label: 'floor s', digits: 1 },
  { key: 'makespanOverFloor', label: 'makespan ÷ floor', digits: 2 },
  { key: 'lastCutoutS', label: 'last cut-out submit s', digits: 1 },
  { key: 'tailS', label: 'after it s', digits: 2 },
  { key: 'firstCardS', label: 'first card submit s', digits: 1 },
  { key: 'runLatencyP50S', label: 'run enqueue→end p50 s', digits: 1 },
  { key: 'runLatencyP95S', label: 'run enqueue→end p95 s', digits: 1 },
  { key: 'enqueueS', label: 'enqueue s', digits: 1 },
  { key: 'submits', label: 'submits Adobe saw', digits: 0 },
  { key: 'acceptedPerRun', label: 'Adobe jobs per run', digits: 2 },
  { key: 'cutoutShareOfAimedPct', label: 'cut-out submits, % of aimed rate', digits: 1 },
  { key: 'throttled', label: '429s', digits: 0 },
  { key: 'kills', label: 'kills', digits: 0 },
  { key: 'scratchLeft', label: 'scratch objects left', digits: 0 },
  { key: 'outputsWritten', label: 'outputs written', digits: 0 },
  { key: 'bytesPerWaiting', label: 'Redis bytes per waiting item', digits: 0 },
  { key: 'dataBytes', label: "run's data bytes", digits: 0 },
  { key: 'enqueuePerS', label: 'enqueue /s', digits: 0 },
];

/** The largest value of `key` over every run of `variant` (a target no run may miss). */
function worst(measurements: readonly Measurement[], variant: string, key: string): number {
  const values = measurements
    .filter((m) => m.variant === variant)
    .map((m) => m.metrics[key] ?? Number.NaN);
  return values.length > 0 ? Math.max(...values) : Number.NaN;
}

function floorNotes(floor: MakespanFloor, steps: readonly FloorStep[], runs: number): string[] {
  const perClass = Object.entries(floor.classes)
    .map(
      ([cls, d]) =>
        `${cls}: ${d.submits} submits at ${d.ratePerSecond.toFixed(2)}/s = ${d.seconds.toFixed(1)} s`,
    )
    .join('; ');
  const seconds = (ms: number): string => `${formatNumber(ms / 1000, 1)} s`;
  const operations = steps.map((s) => `${s.name} (${s.operation})`).join(' → ');
  const classes = steps
    .map((s) => {
      const range = emulatorRange(s);
      return `${s.name}: ${range.durationClass}, expected ${seconds(expectedDurationMs(s.operation))}, the emulator ${seconds(range.minMs)}–${seconds(range.maxMs)}`;
    })
    .join('; ');
  const cutout = adobeRateLimits['submit-cutout'];
  const general = aimedRatePerSecond('submit', TIME_FACTOR);
  const own = aimedRatePerSecond('submit-cutout', TIME_FACTOR);
  const longestMore = emulatorChainSeconds(steps, 'longest') - floor.chainSeconds;
  return [
    `Floor: ${runs} runs of ${productCutoutRecipe.name}, ${operations}. Every submit passes the budget of its operation's class and of the general submit class, the classes in parallel (${perClass}): the slowest class, ${floor.bindingClass}, sets the pace, ${floor.submitSeconds.toFixed(1)} s. Remove background has a limit of its own at Adobe (${cutout.soft[0]?.limit} per ${seconds(cutout.soft[0]?.windowMs ?? NaN)} soft, ${cutout.hard[0]?.limit} hard), ${(general / own).toFixed(1)} times tighter than Darkroom's aim for the other operations, so the cut-outs, not all ${steps.length * runs} submits at the general rate, bound the batch. Then the last run let through still needs its chain, ${floor.chain.join(' → ')}: ${floor.chainSeconds.toFixed(2)} s at the catalog's expected means (durationClasses in @darkroom/photoshop) × ${TIME_FACTOR} (${classes}). The emulator draws each job uniformly from its range, whose mean is the expected one, so the two agree; the floor uses the catalog's.`,
    `The floor takes the mean chain. The runs let through last draw theirs at random, so the longest of them is longer than the mean even for a perfect scheduler, by up to ${longestMore.toFixed(2)} s: a few percent of a full batch, ten times more of a quick one. "Last cut-out submit" (from the first enqueue) and "after it" (to the last run's end) split the makespan into the budget's part and the chain's. "First card submit" is when the first run's second step reached Adobe, and the run enqueue→end percentiles how long each run took. With fair dispatch a step's edit waits in its tenant's line, first in, first out per priority; a run's later step takes the run's own place in that line and goes one priority ahead of first steps, so a card goes beside the cut-outs as soon as its own cut-out is done instead of behind every cut-out parked before it: runs end at the pace of the cut-outs' budget, and "after it" is the last run's chain plus a few seconds of cards still in line.`,
    `Kills (B): SIGKILL, no drain; the killed process's locks expire (BullMQ's 30 s) and its edits and runs go on in the surviving or replacement worker; the replacement starts at once. A run is lost if it did not complete (no failure reason is expected here). B's makespan is not a target: each kill holds the jobs in the killed process's hands until their locks expire and BullMQ's stalled check finds them. "Adobe jobs per run" at 2.00 says no kill made a step submit twice.`,
    `A waiting run is one BullMQ job in the runs queue whose data is the recipe bound to its parameters: both steps as edits (operation, input, outputs, options with the cut-out's scratch reference), the intermediates, the finals, the scratch folder, the payer and a fingerprint ("run's data bytes"); its steps become edits only when they may start, so a waiting run holds no edit yet. Bytes are INFO used_memory after minus before the enqueue on an emptied Redis, over the items enqueued; both rows include their queue's events stream (capped near ${formatNumber(DEFAULT_EVENTS_MAX_LEN, 0)} entries), a larger share of each item here than in the scale scenario's million.`,
    "Scratch objects left are the objects under the batch's scratch prefix in the storage sink after its last run ended: each run deletes its folder (ListObjectsV2, then HEAD and DeleteObject per object) before it completes.",
  ];
}

/** The targets, then what explains them: B's makespan, the naive floor, Redis bytes. */
function recipeFigures(
  m: Record<string, Record<string, number>>,
  measurements: readonly Measurement[],
  floor: MakespanFloor,
  naiveFloorS: number,
  kills: string,
): DerivedFigure[] {
  return [
    {
      label: `A: makespan ÷ physical floor (${floor.floorSeconds.toFixed(1)} s)`,
      value: m[STEADY]?.makespanOverFloor ?? Number.NaN,
      target: '<= 1.1',
    },
    {
      label: 'B: lost runs, most in any run',
      value: worst(measurements, kills, 'lost'),
      digits: 0,
      target: '0',
    },
    {
      label: 'A: scratch objects left after the batch, most in any run',
      value: worst(measurements, STEADY, 'scratchLeft'),
      digits: 0,
      target: '0',
    },
    {
      label: 'B: makespan ÷ physical floor (not a target)',
      value: m[kills]?.makespanOverFloor ?? Number.NaN,
    },
    {
      label: `A: makespan ÷ every submit at the general rate plus the chain (${naiveFloorS.toFixed(1)} s; not a floor: the cut-outs' own budget binds)`,
      value: ratio(m[STEADY]?.makespanS, naiveFloorS),
    },
    {
      label: 'Redis bytes per waiting run',
      value: m[WAITING_RUN]?.bytesPerWaiting ?? Number.NaN,
      digits: 0,
    },
    {
      label: 'Redis bytes per waiting edit (renditionCreate, as in scale)',
      value: m[WAITING_EDIT]?.bytesPerWaiting ?? Number.NaN,
      digits: 0,
    },
    {
      label: 'a waiting run ÷ a waiting edit, Redis bytes',
      value: ratio(m[WAITING_RUN]?.bytesPerWaiting, m[WAITING_EDIT]?.bytesPerWaiting),
    },
  ];
}

/** Why runs failed, if any did. */
function failureNote(failures: readonly string[]): string {
  if (failures.length === 0) return 'No run failed.';
  return `Failed runs, by the reason of the step that failed them: ${failures.join('; ')}. A run fails \`stalled\` only when one step's edit was found stalled more often than the run hands it back (\`STALLED_STEP_RESUMES\`, ARCHITECTURE.md "Recipe runs"); it keeps its intermediates and can be retried with \`retryRun\`.`;
}

/**
 * A thousand runs of the product recipe (cut-out, then a card in three renditions) through two
 * worker processes under Adobe's limits at a tenth: makespan against the physical floor, with
 * and without worker kills, and what a waiting run costs in Redis.
 */
export const recipes: Scenario = async (ctx) => {
  const runs = ctx.quick ? 100 : 1_000;
  const waiting = ctx.quick ? 1_000 : 10_000;
  const killEveryS = ctx.quick ? 10 : 30;
  const steps = await floorSteps();
  const floor = makespanFloor({ steps, runs, timeFactor: TIME_FACTOR, aimedRatePerSecond });
  // Every submit at the general rate: the floor as it would be if cut-outs had no budget of their own.
  const generalOnly =
    (steps.length * runs) / aimedSubmitsPerSecond(TIME_FACTOR) + floor.chainSeconds;
  const timeoutMs = Math.max(300_000, floor.floorSeconds * 5_000);
  const kills = killsVariant(killEveryS);
  const failures: string[] = [];
  const measurements = [
    ...(await measureBatches(
      ctx,
      [
        { variant: STEADY, runs, floor, timeoutMs },
        { variant: kills, runs, floor, timeoutMs, killEveryMs: killEveryS * 1000 },
      ],
      failures,
    )),
    ...(await measureWaiting(ctx, waiting)),
  ];
  return buildResult({
    id: 'recipes',
    title: "9. Recipe runs: the product recipe under Adobe's limits",
    parameters: {
      runs,
      recipe: `${productCutoutRecipe.name}: v2.removeBackground → v2.createComposite (three renditions), one sku per run`,
      workers: WORKERS,
      concurrencyPerWorker: SETTINGS.concurrency,
      timeFactor: TIME_FACTOR,
      emulator: `Adobe's limits and durations × ${TIME_FACTOR}, placeholder processing (inputs are never read)`,
      kills: `B: SIGKILL every ${killEveryS} s, the workers in turn, each replaced at once`,
      floor: `${floor.submitSeconds.toFixed(1)} s of ${floor.bindingClass} budget + ${floor.chainSeconds.toFixed(2)} s chain (the emulator's own means: ${emulatorChainSeconds(steps, 'mean').toFixed(2)} s) = ${floor.floorSeconds.toFixed(1)} s`,
      waitingRuns: waiting,
      scratch: `s3://${SCRATCH_BUCKET}/<queue>/`,
    },
    columns: COLUMNS,
    measurements,
    figures: (m) => recipeFigures(m, measurements, floor, generalOnly, kills),
    notes: [...floorNotes(floor, steps, runs), failureNote(failures)],
  });
};
