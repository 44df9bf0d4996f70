import { runDarkroomBatch } from '../harness/darkroom-batch';
import { startBenchStack } from '../harness/bench-stack';
import type { Measurement } from '../report';
import { mean, ratio } from '../stats';
import { AIMED_SUBMITS_PER_S, TIME_FACTOR } from './rate-budget';
import { buildResult, rounded, type Scenario, type ScenarioContext } from './scenario';

/** 1, 2 and 4 workers with an emulator that answers at once and limits nothing: CPU bound. */
async function measureLimitsOff(ctx: ScenarioContext, jobs: number): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const free = await startBenchStack({ timeFactor: 0, limits: false });
  try {
    for (let run = 1; run <= ctx.runs; run += 1) {
      for (const count of [1, 2, 4]) {
        const dr = await runDarkroomBatch(free, {
          workers: count,
          jobs,
          timeoutMs: 600_000,
          settings: { concurrency: 50, budgetTimeScale: 0.0001, expectedDurationScale: 0.0001 },
        });
        measurements.push({
          variant: `limits off, ${count} worker${count > 1 ? 's' : ''}`,
          run,
          metrics: rounded({
            jobsPerSecond: dr.jobsPerSecond,
            failed: dr.failed,
            workerCpuPct: mean(dr.workerCpuPct),
            workerCpuTotalPct: dr.workerCpuPct.reduce((s, v) => s + v, 0),
            benchCpuPct: dr.benchCpuPct,
            redisCpuPct: dr.redisCpuPct,
          }),
        });
        ctx.log(`workers run ${run}: ${count} × ${dr.jobsPerSecond.toFixed(0)} jobs/s`);
      }
    }
  } finally {
    await free.close();
  }
  return measurements;
}

/** 1 vs 4 workers under Adobe's limits (time-scaled): the shared budget sets the pace. */
async function measureUnderLimits(ctx: ScenarioContext, jobs: number): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const limited = await startBenchStack({ timeFactor: TIME_FACTOR, scaleRateLimits: true });
  try {
    // Two runs: these batches are paced by the budget, so their spread is small and time is not.
    for (let run = 1; run <= Math.min(ctx.runs, 2); run += 1) {
      for (const count of [1, 4]) {
        const dr = await runDarkroomBatch(limited, {
          workers: count,
          jobs,
          timeoutMs: 600_000,
          settings: {
            concurrency: 50,
            budgetTimeScale: TIME_FACTOR,
            expectedDurationScale: TIME_FACTOR,
          },
        });
        measurements.push({
          variant: `Adobe limits ×${TIME_FACTOR}, ${count} worker${count > 1 ? 's' : ''}`,
          run,
          metrics: rounded({
            jobsPerSecond: dr.jobsPerSecond,
            failed: dr.failed,
            submitRatePerSecond: dr.submitRatePerSecond,
            shareOfAimedPct: (dr.submitRatePerSecond / AIMED_SUBMITS_PER_S) * 100,
            throttled: dr.throttled,
            workerCpuPct: mean(dr.workerCpuPct),
            workerCpuTotalPct: dr.workerCpuPct.reduce((s, v) => s + v, 0),
            benchCpuPct: dr.benchCpuPct,
            redisCpuPct: dr.redisCpuPct,
          }),
        });
        ctx.log(
          `workers (limited) run ${run}: ${count} × ${dr.submitRatePerSecond.toFixed(1)} submits/s, ${dr.throttled} 429s`,
        );
      }
    }
  } finally {
    await limited.close();
  }
  return measurements;
}

/**
 * 1, 2 and 4 worker processes when Adobe's budget is not the limit (what the machine allows),
 * then 1 vs 4 under Adobe's limits (the budget is shared: more workers must not mean more 429s).
 */
export const workers: Scenario = async (ctx) => {
  const freeJobs = ctx.quick ? 1_500 : 2_000;
  const limitedJobs = ctx.quick ? 300 : 450;
  const measurements = [
    ...(await measureLimitsOff(ctx, freeJobs)),
    ...(await measureUnderLimits(ctx, limitedJobs)),
  ];
  return buildResult({
    id: 'workers',
    title: '6. Worker processes: 1, 2, 4 (budget not binding), then 1 vs 4 under Adobe’s limits',
    parameters: {
      jobsLimitsOff: freeJobs,
      jobsUnderLimits: limitedJobs,
      concurrencyPerWorker: 50,
      limitsOff: 'emulator timeFactor 0, placeholder processing, limits off',
      underLimits: `Adobe's hard limits and 5–15 s durations × ${TIME_FACTOR}`,
    },
    columns: [
      { key: 'jobsPerSecond', label: 'jobs/s', digits: 0 },
      { key: 'failed', label: 'failed', digits: 0 },
      { key: 'submitRatePerSecond', label: 'accepted submits/s', digits: 1 },
      { key: 'shareOfAimedPct', label: '% of aimed budget', digits: 1 },
      { key: 'throttled', label: '429s', digits: 0 },
      { key: 'workerCpuPct', label: 'CPU % per worker', digits: 0 },
      { key: 'workerCpuTotalPct', label: 'CPU % all workers', digits: 0 },
      { key: 'benchCpuPct', label: 'CPU % bench process (emulator)', digits: 0 },
      { key: 'redisCpuPct', label: 'CPU % Redis', digits: 0 },
    ],
    measurements,
    figures: (m) => {
      const one = m['limits off, 1 worker']?.jobsPerSecond;
      const lim1 = m[`Adobe limits ×${TIME_FACTOR}, 1 worker`];
      const lim4 = m[`Adobe limits ×${TIME_FACTOR}, 4 workers`];
      return [
        {
          label: '2 workers ÷ 1 worker (limits off)',
          value: ratio(m['limits off, 2 workers']?.jobsPerSecond, one),
        },
        {
          label: '4 workers ÷ 1 worker (limits off)',
          value: ratio(m['limits off, 4 workers']?.jobsPerSecond, one),
        },
        {
          label: 'under limits: 4 workers jobs/s ÷ 1 worker jobs/s',
          value: ratio(lim4?.jobsPerSecond, lim1?.jobsPerSecond),
        },
        {
          label: 'under limits: 429s with 4 workers − 429s with 1 worker',
          value: (lim4?.throttled ?? NaN) - (lim1?.throttled ?? NaN),
          digits: 0,
        },
      ];
    },
    notes: [
      'This machine has 2 cores (200 %) shared by the workers, Redis and the bench process (which hosts the emulator and the storage sink). A worker process is one event loop, so near 100 % in “CPU % per worker” means that process is saturated; the columns added up against 200 % say whether the machine is. Other work on a shared machine takes cores too: see the load average above the table.',
      'Under Adobe’s limits the fleet-wide budget, not CPU, sets the rate: four workers share the one budget held in Redis instead of each taking its own, so they go no faster than one and draw no more 429s (see scenario 4 for how full the budget is).',
    ],
  });
};
