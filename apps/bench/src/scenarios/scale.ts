import { EditQueue } from '@darkroom/jobs';
import { Worker } from 'bullmq';
import { renditionJob, startBenchStack, usedMemory, type BenchStack } from '../harness/bench-stack';
import type { Measurement } from '../report';
import { buildResult, rounded, type Scenario, type ScenarioContext } from './scenario';

const SLICE = 100_000;
const CHUNK = 1_000;

/** A backlog phase: its rate over every job, and one measurement per 100k slice. */
interface Phase {
  jobsPerSecond: number;
  slices: Measurement[];
}

/** `total` jobs through `enqueueMany` in chunks, timed per slice; Redis memory before and after. */
async function enqueueBacklog(
  ctx: ScenarioContext,
  stack: BenchStack,
  edits: EditQueue,
  total: number,
): Promise<Phase & { bytesPerJob: number }> {
  const slices: Measurement[] = [];
  await edits.counts(); // connects, so the first slice does not pay for it
  const memoryBefore = await usedMemory(stack.client);
  const started = Date.now();
  let sliceStart = started;
  for (let i = 0; i < total; i += CHUNK) {
    const inputs = Array.from({ length: Math.min(CHUNK, total - i) }, (_, k) =>
      renditionJob(edits.queueName, i + k),
    );
    await edits.enqueueMany(inputs, { chunkSize: CHUNK });
    const done = i + inputs.length;
    if (done % SLICE === 0 || done === total) {
      const now = Date.now();
      const n = done % SLICE === 0 ? SLICE : done % SLICE;
      slices.push({
        variant: `enqueue, jobs ${Math.floor((done - 1) / SLICE) * SLICE + 1}–${done}`,
        run: 1,
        metrics: rounded({ jobsPerSecond: n / ((now - sliceStart) / 1000) }),
      });
      ctx.log(`scale: enqueued ${done} (${(n / ((now - sliceStart) / 1000)).toFixed(0)} jobs/s)`);
      sliceStart = now;
    }
  }
  const enqueueSeconds = (Date.now() - started) / 1000;
  const memoryAfter = await usedMemory(stack.client);
  const bytesPerJob = (memoryAfter - memoryBefore) / total;
  return { jobsPerSecond: total / enqueueSeconds, bytesPerJob, slices };
}

/** Drains `total` jobs with a no-op BullMQ consumer, timed per slice as the backlog shrinks. */
async function drainBacklog(
  ctx: ScenarioContext,
  stack: BenchStack,
  edits: EditQueue,
  total: number,
): Promise<Phase> {
  let processed = 0;
  let lastMark = Date.now();
  const marks: number[] = [];
  const dequeueStarted = Date.now();
  await new Promise<void>((resolve) => {
    const connection = { url: stack.redis.url, maxRetriesPerRequest: null };
    const worker = new Worker(edits.queueName, () => Promise.resolve(), {
      connection,
      prefix: edits.prefix,
      concurrency: 50,
    });
    worker.on('completed', () => {
      processed += 1;
      if (processed % SLICE === 0 || processed === total) {
        const now = Date.now();
        marks.push((processed % SLICE || SLICE) / ((now - lastMark) / 1000));
        ctx.log(`scale: dequeued ${processed}`);
        lastMark = now;
      }
      if (processed === total) {
        void worker.close(true).then(() => resolve());
      }
    });
  });
  const dequeueSeconds = (Date.now() - dequeueStarted) / 1000;
  const slices = marks.map((rate, i) => ({
    variant: `dequeue, jobs ${i * SLICE + 1}–${Math.min((i + 1) * SLICE, total)}`,
    run: 1,
    metrics: rounded({ jobsPerSecond: rate }),
  }));
  return { jobsPerSecond: processed / dequeueSeconds, slices };
}

/**
 * A million jobs through `enqueueMany` in chunks of 1,000: the enqueue rate per 100k slice as
 * the backlog grows, Redis bytes per waiting job, then the dequeue rate per slice with no-op
 * consumers.
 */
export const scale: Scenario = async (ctx) => {
  const total = ctx.quick ? 100_000 : 1_000_000;
  const dequeueTotal = total;
  const stack = await startBenchStack({ timeFactor: 0, limits: false });
  const edits = new EditQueue({ connection: stack.redis.url, queueName: stack.newQueueName() });
  let measurements: Measurement[];
  let bytesPerJob: number;
  try {
    const enqueued = await enqueueBacklog(ctx, stack, edits, total);
    const drained = await drainBacklog(ctx, stack, edits, dequeueTotal);
    bytesPerJob = enqueued.bytesPerJob;
    measurements = [
      {
        variant: 'enqueue, all',
        run: 1,
        metrics: rounded({ jobsPerSecond: enqueued.jobsPerSecond, bytesPerJob }),
      },
      ...enqueued.slices,
      ...drained.slices,
      {
        variant: 'dequeue, all measured',
        run: 1,
        metrics: rounded({ jobsPerSecond: drained.jobsPerSecond }),
      },
    ];
  } finally {
    await edits.queue.obliterate({ force: true }).catch(() => undefined);
    await edits.close();
    await stack.close();
  }
  return buildResult({
    id: 'scale',
    title: '5. Scale: enqueueMany of a large backlog, then draining it',
    parameters: {
      jobs: total,
      chunk: CHUNK,
      job: 'renditionCreate, one input, two outputs',
      dequeued: dequeueTotal,
      consumer:
        'raw BullMQ Worker (no-op processor, concurrency 50) on the Darkroom queue, in the bench process',
    },
    columns: [
      { key: 'jobsPerSecond', label: 'jobs/s', digits: 0 },
      { key: 'bytesPerJob', label: 'Redis bytes per waiting job', digits: 0 },
    ],
    measurements,
    figures: () => [
      {
        label: 'Redis bytes per waiting job',
        value: bytesPerJob,
        digits: 0,
        target: '<= 1,536',
      },
    ],
    notes: [
      'One run (the backlog is the experiment). Enqueue time includes validating every job (zod) in the producer; memory is INFO used_memory after minus before, over the jobs enqueued.',
      'The dequeue drains the whole backlog, slice by slice, as it shrinks; completed jobs past 50,000 are removed by BullMQ, as Darkroom configures it.',
    ],
  });
};
