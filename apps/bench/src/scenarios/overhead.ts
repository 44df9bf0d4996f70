import { Queue, Worker } from 'bullmq';
import { runDarkroomBatch } from '../harness/darkroom-batch';
import { renditionJob, startBenchStack, waitUntilFinished } from '../harness/bench-stack';
import type { Measurement } from '../report';
import { mean, ratio } from '../stats';
import { buildResult, rounded, type Scenario } from './scenario';

const CONCURRENCY = 50;

/**
 * End-to-end jobs/s through Darkroom (one worker process, an emulator answering at once) against
 * raw BullMQ with a no-op processor: the price of presigning, submitting, polling, the budget and
 * the result, per job.
 */
export const overhead: Scenario = async (ctx) => {
  const jobs = ctx.quick ? 2_000 : 5_000;
  const stack = await startBenchStack({ timeFactor: 0, limits: false });
  const measurements: Measurement[] = [];
  try {
    for (let run = 1; run <= ctx.runs; run += 1) {
      const raw = await rawBullmq(stack.redis.url, stack.newQueueName(), jobs);
      measurements.push({
        variant: 'raw BullMQ, no-op processor',
        run,
        metrics: rounded({ ...raw }),
      });
      ctx.log(`overhead run ${run}: raw BullMQ ${raw.jobsPerSecond.toFixed(0)} jobs/s`);
      const dr = await runDarkroomBatch(stack, {
        workers: 1,
        jobs,
        timeoutMs: 300_000,
        settings: {
          concurrency: CONCURRENCY,
          budgetTimeScale: 0.0001,
          expectedDurationScale: 0.0001,
        },
      });
      measurements.push({
        variant: 'Darkroom, 1 worker process',
        run,
        metrics: rounded({
          jobsPerSecond: dr.jobsPerSecond,
          makespanS: dr.makespanS,
          failed: dr.failed,
          pollsPerJob: dr.pollsPerJob,
          workerCpuPct: mean(dr.workerCpuPct),
          benchCpuPct: dr.benchCpuPct,
          redisCpuPct: dr.redisCpuPct,
        }),
      });
      ctx.log(`overhead run ${run}: Darkroom ${dr.jobsPerSecond.toFixed(0)} jobs/s`);
    }
  } finally {
    await stack.close();
  }
  return buildResult({
    id: 'overhead',
    title: '1. Overhead: Darkroom end to end vs raw BullMQ',
    parameters: {
      jobs,
      concurrency: CONCURRENCY,
      emulator: 'timeFactor 0, placeholder processing, limits off, in the bench process',
      storage: 'in-process sink (PUT/HEAD, sizes only)',
    },
    columns: [
      { key: 'jobsPerSecond', label: 'jobs/s', digits: 0 },
      { key: 'makespanS', label: 'makespan s', digits: 2 },
      { key: 'failed', label: 'failed', digits: 0 },
      { key: 'pollsPerJob', label: 'status GETs/job', digits: 2 },
      { key: 'workerCpuPct', label: 'worker CPU %', digits: 0 },
      { key: 'benchCpuPct', label: 'bench process CPU % (emulator, sink, producer)', digits: 0 },
      { key: 'redisCpuPct', label: 'Redis CPU %', digits: 0 },
    ],
    measurements,
    figures: (m) => {
      const rawRate = m['raw BullMQ, no-op processor']?.jobsPerSecond;
      const drRate = m['Darkroom, 1 worker process']?.jobsPerSecond;
      return [
        { label: 'raw BullMQ jobs/s ÷ Darkroom jobs/s', value: ratio(rawRate, drRate) },
        {
          label: 'Darkroom cost per job over raw BullMQ, ms of wall time at this concurrency',
          value: ratio(1000, drRate) - ratio(1000, rawRate),
        },
      ];
    },
    notes: [
      'Both sides enqueue the same job data (one PSD in, a JPEG and a PNG out) and are timed from the first enqueue to the last job finished.',
      'Raw BullMQ runs its Worker inside the bench process; Darkroom runs apps/worker/src/main.ts as its own process, doing per job: presign 3 URLs, a token-bucket take in Redis, a submit, at least one status GET after a delayed re-queue, 2 HEADs on storage and the result.',
    ],
  });
};

async function rawBullmq(
  url: string,
  queueName: string,
  jobs: number,
): Promise<{ jobsPerSecond: number; makespanS: number; failed: number }> {
  const connection = { url, maxRetriesPerRequest: null };
  const queue = new Queue(queueName, { connection });
  const worker = new Worker(queueName, () => Promise.resolve(), {
    connection,
    concurrency: CONCURRENCY,
  });
  try {
    await worker.waitUntilReady();
    const started = Date.now();
    for (let i = 0; i < jobs; i += 1_000) {
      const slice = Array.from({ length: Math.min(1_000, jobs - i) }, (_, k) => ({
        name: 'edit',
        data: renditionJob(queueName, i + k),
      }));
      await queue.addBulk(slice);
    }
    const done = await waitUntilFinished(
      () => queue.getJobCounts('completed', 'failed'),
      jobs,
      300_000,
    );
    const makespanS = (done.at - started) / 1000;
    return { jobsPerSecond: done.completed / makespanS, makespanS, failed: done.failed };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}
