import type { JobSummary } from '@darkroom/emulator';
import { fairBacklog, type EditQueue } from '@darkroom/jobs';
import type { Redis } from 'ioredis';
import {
  removeEditQueue,
  renditionJob,
  startBenchStack,
  usedMemory,
  type BenchStack,
} from '../harness/bench-stack';
import type { WorkerFleet } from '../harness/worker-fleet';
import type { DerivedFigure, Measurement } from '../report';
import { median, percentile } from '../stats';
import {
  editOfInput,
  shareDeviation,
  sharesPct,
  tenantFolder,
  weightSharesPct,
} from '../tenant-shares';
import { aimedSubmitsPerSecond, submitWindowMs, TIME_FACTOR } from './rate-budget';
import { buildResult, rounded, type Scenario, type ScenarioContext } from './scenario';

/** The weights of the tenants that keep a backlog; B's is the plan's. */
const WEIGHTS: Readonly<Record<string, number>> = { A: 2, C: 1, D: 1 };
const BACKLOGGED = Object.keys(WEIGHTS);
const WORKERS = 2;
const CHUNK = 1_000;
/** C and D are topped up to this many waiting edits about once a second. */
const KEEP_WAITING = 1_000;
/** Budget windows after the first submit before the window opens: the budget leaves cold start. */
const WARM_UP_WINDOWS = 5;

interface Plan {
  variant: string;
  timeFactor: number;
  /** A's backlog. */
  backlog: number;
  windowMs: number;
  runs: number;
  /** B's weight, when not the default 1. */
  bWeight?: number;
}

/** The workers' `DARKROOM_TENANTS`: A, C and D's weights, and B's when the plan names one. */
function tenantsEnv(plan: Pick<Plan, 'bWeight'>): string {
  const weights = plan.bWeight === undefined ? WEIGHTS : { ...WEIGHTS, B: plan.bWeight };
  return JSON.stringify(
    Object.fromEntries(Object.entries(weights).map(([t, weight]) => [t, { weight }])),
  );
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** One tenant's edit: a typical rendition whose input names the tenant (`tenant-<name>/<i>`). */
function tenantEdit(tenant: string, index: number): Record<string, unknown> {
  return { ...renditionJob(tenantFolder(tenant), index), tenant };
}

/** What the scenario enqueues, and when each of B's edits went in. */
class TenantTraffic {
  private readonly next = new Map<string, number>();
  /** Enqueue time (epoch ms) of B's edit number i. */
  readonly bEnqueuedAt: number[] = [];
  /** The fewest edits C or D had waiting at a top-up. */
  minWaiting = Number.POSITIVE_INFINITY;

  constructor(
    private readonly client: Redis,
    readonly edits: EditQueue,
  ) {}

  async add(tenant: string, count: number): Promise<void> {
    for (let done = 0; done < count; done += CHUNK) {
      const first = this.next.get(tenant) ?? 0;
      const n = Math.min(CHUNK, count - done);
      this.next.set(tenant, first + n);
      const inputs = Array.from({ length: n }, (_, k) => tenantEdit(tenant, first + k));
      await this.edits.enqueueMany(inputs, { chunkSize: CHUNK });
    }
  }

  async addB(): Promise<void> {
    const index = this.bEnqueuedAt.length;
    this.bEnqueuedAt.push(Date.now());
    await this.edits.enqueue(tenantEdit('B', index));
  }

  /** Brings C and D back to {@link KEEP_WAITING} waiting edits each. */
  async topUp(): Promise<void> {
    const waiting = await this.waiting();
    for (const tenant of ['C', 'D']) {
      const now = waiting[tenant] ?? 0;
      this.minWaiting = Math.min(this.minWaiting, now);
      if (now < KEEP_WAITING) await this.add(tenant, KEEP_WAITING - now);
    }
  }

  /** Edits parked in each tenant's line, not yet admitted. */
  async waiting(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const b of await fairBacklog(this.client, this.edits)) {
      out[b.tenant] = (out[b.tenant] ?? 0) + b.waiting;
    }
    return out;
  }
}

/** C's and D's lines, then A's backlog: A's enqueue rate, and Redis bytes per parked edit. */
async function fillBacklog(stack: BenchStack, traffic: TenantTraffic, plan: Plan) {
  await traffic.edits.counts(); // connects, so the timing does not pay for it
  const before = await usedMemory(stack.client);
  await traffic.add('C', KEEP_WAITING);
  await traffic.add('D', KEEP_WAITING);
  const started = Date.now();
  await traffic.add('A', plan.backlog);
  const seconds = (Date.now() - started) / 1000;
  const bytes = (await usedMemory(stack.client)) - before;
  return {
    backlogEnqueuePerS: plan.backlog / seconds,
    bytesPerWaitingEdit: bytes / (plan.backlog + 2 * KEEP_WAITING),
  };
}

/** Polls `done` every 50 ms until it holds, or throws after `timeoutMs`. */
async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`tenants: ${what} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** B's one edit per (scaled) second and the top-ups, from now for the window's length. */
async function driveWindow(traffic: TenantTraffic, plan: Plan) {
  const interval = 1000 * plan.timeFactor;
  const start = Date.now();
  const end = start + plan.windowMs;
  let lastTopUp = 0;
  for (let k = 0; start + k * interval < end; k += 1) {
    await sleep(start + k * interval - Date.now());
    await traffic.addB();
    if (Date.now() - lastTopUp >= 1_000) {
      lastTopUp = Date.now();
      await traffic.topUp();
    }
  }
  await sleep(end - Date.now());
  return { start, end };
}

/** Every POST, status GET and 429 the emulator has served so far, over all clients. */
function apiCalls(stack: BenchStack) {
  return Object.values(stack.emulator.stats().clients).reduce(
    (sum, c) => ({
      calls: sum.calls + c.submits + c.statusGets,
      throttled: sum.throttled + c.throttled,
    }),
    { calls: 0, throttled: 0 },
  );
}

/** Adobe jobs created since `known` was taken, each with its tenant and index. */
function newSubmits(stack: BenchStack, known: ReadonlySet<string>) {
  return stack.emulator
    .jobs()
    .filter((j) => !known.has(j.jobId))
    .map((j: JobSummary) => ({ at: Date.parse(j.createdAt), edit: editOfInput(j.input) }));
}

/** B's waits from enqueue to Adobe's job creation (its submit), in ms; NaN for one never sent. */
function bWaits(submits: ReturnType<typeof newSubmits>, traffic: TenantTraffic): number[] {
  const submittedAt = new Map<number, number>();
  for (const s of submits) {
    if (s.edit?.tenant !== 'B') continue;
    const seen = submittedAt.get(s.edit.index);
    if (seen === undefined || s.at < seen) submittedAt.set(s.edit.index, s.at);
  }
  return traffic.bEnqueuedAt.map((t, i) => (submittedAt.get(i) ?? Number.NaN) - t);
}

/** The window's figures: submits per tenant and their shares, B's waits, budget use, 429s. */
function windowMetrics(
  submits: ReturnType<typeof newSubmits>,
  window: { start: number; end: number },
  traffic: TenantTraffic,
  plan: Plan,
  calls: { calls: number; throttled: number },
): Record<string, number> {
  const counts: Record<string, number> = {};
  let total = 0;
  for (const s of submits) {
    if (s.at < window.start || s.at >= window.end) continue;
    total += 1;
    const tenant = s.edit?.tenant ?? '?';
    counts[tenant] = (counts[tenant] ?? 0) + 1;
  }
  const shares = sharesPct(counts, BACKLOGGED);
  const deviation = shareDeviation(shares, weightSharesPct(WEIGHTS));
  const waits = bWaits(submits, traffic);
  const windowS = plan.windowMs / 1000;
  const p95 = percentile(waits, 0.95);
  return {
    submitsPerS: total / windowS,
    shareOfAimedPct: (total / windowS / aimedSubmitsPerSecond(plan.timeFactor)) * 100,
    submitsA: counts.A ?? 0,
    submitsB: counts.B ?? 0,
    submitsC: counts.C ?? 0,
    submitsD: counts.D ?? 0,
    shareA: shares.A ?? Number.NaN,
    shareC: shares.C ?? Number.NaN,
    shareD: shares.D ?? Number.NaN,
    shareDeviationPts: deviation.points,
    shareDeviationPct: deviation.relativePct,
    bEdits: waits.length,
    bNeverSubmitted: waits.filter((w) => !Number.isFinite(w)).length,
    bWaitP50Ms: median(waits),
    bWaitP95Ms: p95,
    bWaitP95Windows: p95 / submitWindowMs(plan.timeFactor),
    bWaitMaxMs: percentile(waits, 1),
    throttled: calls.throttled,
    throttledPct: calls.calls > 0 ? (calls.throttled / calls.calls) * 100 : Number.NaN,
    minWaitingCD: traffic.minWaiting,
  };
}

/** One run: fill the lines, start the fleet, warm up, drive the window, wait for B, measure. */
async function runOnce(stack: BenchStack, plan: Plan): Promise<Record<string, number>> {
  // Every run starts cold: no budget log, AIMD state, virtual times or lines left by the last.
  await stack.client.flushall();
  const queueName = stack.newQueueName();
  const edits = stack.editQueue(queueName, { fair: true });
  const traffic = new TenantTraffic(stack.client, edits);
  let fleet: WorkerFleet | undefined;
  try {
    const backlog = await fillBacklog(stack, traffic, plan);
    const known = new Set(stack.emulator.jobs().map((j) => j.jobId));
    fleet = await stack.startWorkers(WORKERS, queueName, {
      concurrency: 50,
      budgetTimeScale: plan.timeFactor,
      expectedDurationScale: plan.timeFactor,
      env: { DARKROOM_TENANTS: tenantsEnv(plan) },
    });
    await until('no first submit', () => newSubmits(stack, known).length > 0, 60_000);
    await sleep(WARM_UP_WINDOWS * submitWindowMs(plan.timeFactor));
    const before = apiCalls(stack);
    const window = await driveWindow(traffic, plan);
    const after = apiCalls(stack);
    const aWaiting = (await traffic.waiting()).A ?? 0;
    // B's last edits are measured to their submit: the others keep waiting meanwhile.
    const bSent = (): boolean =>
      bWaits(newSubmits(stack, known), traffic).every((w) => Number.isFinite(w));
    await until('B not all submitted', bSent, 60_000).catch(() => undefined);
    const calls = {
      calls: after.calls - before.calls,
      throttled: after.throttled - before.throttled,
    };
    const window_ = windowMetrics(newSubmits(stack, known), window, traffic, plan, calls);
    return { ...backlog, ...window_, aWaitingAtEnd: aWaiting };
  } finally {
    await fleet?.close();
    await removeEditQueue(stack.client, edits).catch(() => undefined);
    await edits.close();
  }
}

async function measureVariant(ctx: ScenarioContext, plan: Plan): Promise<Measurement[]> {
  const stack = await startBenchStack({ timeFactor: plan.timeFactor, scaleRateLimits: true });
  const measurements: Measurement[] = [];
  try {
    for (let run = 1; run <= plan.runs; run += 1) {
      const metrics = await runOnce(stack, plan);
      measurements.push({ variant: plan.variant, run, metrics: rounded(metrics) });
      ctx.log(
        `tenants (${plan.variant}) run ${run}: A:C:D ${[metrics.shareA, metrics.shareC, metrics.shareD].map((s) => s?.toFixed(1)).join(':')} %, B wait p95 ${metrics.bWaitP95Ms?.toFixed(0)} ms, ${metrics.submitsPerS?.toFixed(2)} submits/s, ${metrics.throttled} 429s`,
      );
    }
  } finally {
    await stack.close();
  }
  return measurements;
}

/** The product's targets, for one variant. */
function targetFigures(label: string, m: Record<string, number> | undefined): DerivedFigure[] {
  return [
    {
      label: `${label}: B's wait from enqueue to submit, p95, in budget windows`,
      value: m?.bWaitP95Windows ?? Number.NaN,
      target: '<= 2',
    },
    {
      label: `${label}: largest gap of A's, C's or D's submit share from its weight's share, % of that share`,
      value: m?.shareDeviationPct ?? Number.NaN,
      digits: 1,
      target: '<= 5',
    },
    {
      label: `${label}: submits, % of the aimed rate`,
      value: m?.shareOfAimedPct ?? Number.NaN,
      digits: 1,
      target: '>= 97',
    },
    {
      label: `${label}: 429s, % of all API calls`,
      value: m?.throttledPct ?? Number.NaN,
      target: '< 0.5',
    },
  ];
}

const COLUMNS = [
  { key: 'submitsPerS', label: 'submits/s', digits: 2 },
  { key: 'shareOfAimedPct', label: '% of aimed rate', digits: 1 },
  { key: 'shareA', label: 'A share %', digits: 1 },
  { key: 'shareC', label: 'C share %', digits: 1 },
  { key: 'shareD', label: 'D share %', digits: 1 },
  { key: 'shareDeviationPct', label: 'largest share gap, % of aim', digits: 1 },
  { key: 'submitsB', label: 'B submits', digits: 0 },
  { key: 'bWaitP50Ms', label: 'B wait p50 ms', digits: 0 },
  { key: 'bWaitP95Ms', label: 'B wait p95 ms', digits: 0 },
  { key: 'bWaitP95Windows', label: 'B wait p95, windows', digits: 2 },
  { key: 'throttledPct', label: '429 % of calls', digits: 2 },
  { key: 'minWaitingCD', label: 'fewest C/D waiting', digits: 0 },
  { key: 'backlogEnqueuePerS', label: "A's enqueue jobs/s", digits: 0 },
  { key: 'bytesPerWaitingEdit', label: 'Redis bytes per parked edit', digits: 0 },
];

const NOTES = [
  "Submits are the Adobe jobs the emulator created inside the window, each mapped to its tenant by its input's path; shares are A's, C's and D's of their three-way total, against 50 : 25 : 25. A budget window is Adobe's 3 s (0.3 s at × 0.1).",
  "B's wait runs from its enqueue call to the creation of its Adobe job; B's edits of the window are followed to their submit after it closes, while the others still wait.",
  'B is configured as a tenant whose share covers what it sends: a weight is a guaranteed share of the budget, weight / (sum of the weights of tenants with work waiting) × the aimed rate. At weight 2 among A:B:C:D = 2:2:1:1, B is owed a third of the aimed 14 submits per window (1.56/s) and sends 1/s, so its wait is that of admission alone: the dispatcher keeps a third of a budget window admitted ahead of the submits (5 edits), and admits again every 50 ms while edits wait.',
  'The last row leaves B at the default weight 1: the four tenants weigh 5 together, B is owed a fifth (0.93/s), less than the 1/s it sends, so B queues like any backlogged tenant and its wait grows through the window. That row shows fairness holding (B takes no more than its share), not a target.',
  "The enqueue rate and Redis bytes here are A's backlog of parked edits (with a tenant label); the scale scenario compares a parked enqueue with a plain one, side by side.",
];

/**
 * Fair sharing of one organisation's budget: A's large backlog, C and D kept waiting, B one
 * edit a second, weights A:C:D = 2:1:1, under Adobe's limits in real time and at a tenth.
 */
export const tenants: Scenario = async (ctx) => {
  const backlog = ctx.quick ? 10_000 : 50_000;
  const realTimeWindowMs = ctx.quick ? 45_000 : 120_000;
  // B's one edit a second is more than a fifth of the budget (4.67/s): at weight 2 it is within
  // its share; at the default weight 1 it is not, which the last row shows.
  const realTime: Plan = {
    variant: "Adobe's limits in real time (× 1)",
    timeFactor: 1,
    backlog,
    windowMs: realTimeWindowMs,
    runs: Math.min(ctx.runs, ctx.quick ? 1 : 2),
    bWeight: 2,
  };
  const stress: Plan = {
    variant: `Adobe's limits × ${TIME_FACTOR}`,
    timeFactor: TIME_FACTOR,
    backlog,
    windowMs: ctx.quick ? 20_000 : 60_000,
    runs: ctx.runs,
    bWeight: 2,
  };
  const bOverShare: Plan = {
    variant: 'real time (× 1), B at the default weight 1',
    timeFactor: 1,
    backlog,
    windowMs: realTimeWindowMs,
    runs: 1,
  };
  const measurements = [
    ...(await measureVariant(ctx, realTime)),
    ...(await measureVariant(ctx, stress)),
    ...(await measureVariant(ctx, bOverShare)),
  ];
  return buildResult({
    id: 'tenants',
    title: '8. Tenants: fair shares of one budget',
    parameters: {
      workers: WORKERS,
      tenants: tenantsEnv({ bWeight: 2 }),
      backlogA: backlog,
      keptWaitingCD: KEEP_WAITING,
      tenantB:
        'one edit per second (per 0.1 s at × 0.1), weight 2; the default weight 1 in the last row (one run)',
      window: `${realTimeWindowMs / 1000} s in real time, ${stress.windowMs / 1000} s at × ${TIME_FACTOR}, after ${WARM_UP_WINDOWS} budget windows of warm-up`,
      queue: 'EditQueue fair: true (parked at enqueue)',
    },
    columns: COLUMNS,
    measurements,
    figures: (m) => [
      ...targetFigures('real time', m[realTime.variant]),
      ...targetFigures(`× ${TIME_FACTOR}`, m[stress.variant]),
      {
        // Not a target: B sends more than its share at weight 1, and so queues.
        label: "real time, B at the default weight 1: B's wait p95, in budget windows",
        value: m[bOverShare.variant]?.bWaitP95Windows ?? Number.NaN,
      },
    ],
    notes: NOTES,
  });
};
