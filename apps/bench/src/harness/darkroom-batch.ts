import type { EditJobResult } from '@darkroom/jobs';
import { median, mean, percentile } from '../stats';
import {
  renditionJob,
  waitUntilFinished,
  type BenchStack,
  type WorkerSettings,
} from './bench-stack';
import { ownCpuSeconds } from './worker-fleet';

export interface DarkroomBatchOptions {
  workers: number;
  jobs: number;
  settings: WorkerSettings;
  timeoutMs: number;
  /** Started once the batch's queue is named, closed after it (a producer taking its events). */
  beside?: (queueName: string) => Promise<{ close(): Promise<void> }>;
}

/** What one batch through Darkroom's worker processes measured. */
export interface DarkroomBatch {
  jobsPerSecond: number;
  makespanS: number;
  completed: number;
  failed: number;
  /** Emulator counts for this batch only. */
  submits: number;
  accepted: number;
  statusGets: number;
  throttled: number;
  pollsPerJob: number;
  /** Mean status GETs of the later half of the jobs (by submit time): the estimate has learned. */
  warmPollsPerJob: number;
  /** Accepted submits per second between the first and the last submit. */
  submitRatePerSecond: number;
  detectionLagMsMedian: number;
  detectionLagMsP95: number;
  /** CPU use of each worker process over the makespan, in % of one core. */
  workerCpuPct: number[];
  /** CPU use of this process (producer, emulator, storage sink) over the makespan. */
  benchCpuPct: number;
  redisCpuPct: number;
}

async function redisCpuSeconds(stack: BenchStack): Promise<number> {
  const info = await stack.client.info('cpu');
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  return sys + user;
}

/**
 * Starts a fleet on a fresh queue, enqueues a batch of typical jobs (`enqueueMany`, chunks of
 * 1,000) and measures from the first enqueue to the last job finished.
 */
export async function runDarkroomBatch(
  stack: BenchStack,
  options: DarkroomBatchOptions,
): Promise<DarkroomBatch> {
  // Every run starts cold: no budget log, AIMD state or duration estimate left by the last one.
  await stack.client.flushall();
  const queueName = stack.newQueueName();
  const edits = stack.editQueue(queueName);
  const fleet = await stack.startWorkers(options.workers, queueName, options.settings);
  const beside = await options.beside?.(queueName);
  try {
    stack.emulator.resetStats();
    const knownJobs = new Set(stack.emulator.jobs().map((j) => j.jobId));
    const inputs = Array.from({ length: options.jobs }, (_, i) => renditionJob(queueName, i));
    const cpuBefore = fleet.cpuSeconds();
    const benchCpuBefore = ownCpuSeconds();
    const redisCpuBefore = await redisCpuSeconds(stack);
    const started = Date.now();
    await edits.enqueueMany(inputs, { chunkSize: 1_000 });
    const finished = await waitUntilFinished(() => edits.counts(), options.jobs, options.timeoutMs);
    const makespanS = (finished.at - started) / 1000;
    const cpuAfter = fleet.cpuSeconds();
    const benchCpu = ownCpuSeconds() - benchCpuBefore;
    const redisCpu = (await redisCpuSeconds(stack)) - redisCpuBefore;

    const stats = stack.emulator.stats();
    const client = Object.values(stats.clients).reduce(
      (sum, c) => ({
        submits: sum.submits + c.submits,
        accepted: sum.accepted + c.accepted,
        statusGets: sum.statusGets + c.statusGets,
        throttled: sum.throttled + c.throttled,
      }),
      { submits: 0, accepted: 0, statusGets: 0, throttled: 0 },
    );
    const remote = stack.emulator
      .jobs()
      .filter((j) => !knownJobs.has(j.jobId))
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    const warm = remote.slice(Math.floor(remote.length / 2));
    const first = remote[0];
    const last = remote[remote.length - 1];
    const submitSpanS =
      first && last ? (Date.parse(last.createdAt) - Date.parse(first.createdAt)) / 1000 : 0;

    const lags: number[] = [];
    const completedJobs = await edits.queue.getCompleted(0, options.jobs);
    for (const job of completedJobs) {
      const result = job.returnvalue as EditJobResult | undefined;
      if (result?.timings) lags.push(result.timings.detectionLagMs);
    }
    return {
      jobsPerSecond: finished.completed / makespanS,
      makespanS,
      completed: finished.completed,
      failed: finished.failed,
      submits: client.submits,
      accepted: client.accepted,
      statusGets: client.statusGets,
      throttled: client.throttled,
      pollsPerJob: client.statusGets / options.jobs,
      warmPollsPerJob: mean(warm.map((j) => j.statusGets)),
      submitRatePerSecond: submitSpanS > 0 ? (remote.length - 1) / submitSpanS : Number.NaN,
      detectionLagMsMedian: median(lags),
      detectionLagMsP95: percentile(lags, 0.95),
      workerCpuPct: cpuAfter.map((c, i) => ((c - (cpuBefore[i] ?? 0)) / makespanS) * 100),
      benchCpuPct: (benchCpu / makespanS) * 100,
      redisCpuPct: (redisCpu / makespanS) * 100,
    };
  } finally {
    await beside?.close();
    await fleet.close();
    await edits.queue.obliterate({ force: true }).catch(() => undefined);
  }
}
