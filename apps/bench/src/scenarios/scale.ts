import { EditQueue } from '@darkroom/jobs';
import { Worker } from 'bullmq';
import {
  removeEditQueue,
  renditionJob,
  startBenchStack,
  usedMemory,
  type BenchStack,
} from '../harness/bench-stack';
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
  label = 'enqueue',
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
        variant: `${label}, jobs ${Math.floor((done - 1) / SLICE) * SLICE + 1}–${done}`,
        run: 1,
        metrics: rounded({ jobsPerSecond: n / ((now - sliceStart) / 1000) }),
      });
      ctx.log(`scale: ${label}: ${done} (${(n / ((now - sliceStart) / 1000)).toFixed(0)} jobs/s)`);
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

/** Today's enqueue (edits go to the waiting list), then its drain, on a queue of its own. */
async function measurePlain(
  ctx: ScenarioContext,
  stack: BenchStack,
  total: number,
): Promise<{ enqueued: Phase & { bytesPerJob: number }; drained: Phase }> {
  const edits = new EditQueue({ connection: stack.redis.url, queueName: stack.newQueueName() });
  try {
    const enqueued = await enqueueBacklog(ctx, stack, edits, total);
    const drained = await drainBacklog(ctx, stack, edits, total);
    return { enqueued, drained };
  } finally {
    await edits.queue.obliterate({ force: true }).catch(() => undefined);
    await edits.close();
  }
}

/**
 * The same enqueue with fair dispatch parking every edit in its tenant's line (`fair: true`):
 * nothing drains it, since parked edits wait for a worker's dispatcher.
 */
async function measureFair(
  ctx: ScenarioContext,
  stack: BenchStack,
  total: number,
): Promise<Phase & { bytesPerJob: number }> {
  await stack.client.flushall(); // the plain run's leftovers out of the memory reading
  const edits = new EditQueue({
    connection: stack.redis.url,
    queueName: stack.newQueueName(),
    fair: true,
  });
  try {
    return await enqueueBacklog(ctx, stack, edits, total, 'fair (parked), enqueue');
  } finally {
    await removeEditQueue(stack.client, edits).catch(() => undefined);
    await edits.close();
  }
}

/**
 * A million jobs through `enqueueMany` in chunks of 1,000: the enqueue rate per 100k slice as
 * the backlog grows, Redis bytes per waiting job, then the dequeue rate per slice with no-op
 * consumers. Then the same enqueue parking every edit for fair dispatch, side by side.
 */
export const scale: Scenario = async (ctx) => {
  const total = ctx.quick ? 100_000 : 1_000_000;
  const stack = await startBenchStack({ timeFactor: 0, limits: false });
  let measurements: Measurement[];
  let plainRate: number;
  let plainBytes: number;
  let fair: Phase & { bytesPerJob: number };
  try {
    const { enqueued, drained } = await measurePlain(ctx, stack, total);
    fair = await measureFair(ctx, stack, total);
    plainRate = enqueued.jobsPerSecond;
    plainBytes = enqueued.bytesPerJob;
    measurements = [
      {
        variant: 'enqueue, all',
        run: 1,
        metrics: rounded({ jobsPerSecond: enqueued.jobsPerSecond, bytesPerJob: plainBytes }),
      },
      {
        variant: 'fair (parked), enqueue, all',
        run: 1,
        metrics: rounded({ jobsPerSecond: fair.jobsPerSecond, bytesPerJob: fair.bytesPerJob }),
      },
      ...enqueued.slices,
      ...fair.slices,
      ...drained.slices,
      {
        variant: 'dequeue, all measured',
        run: 1,
        metrics: rounded({ jobsPerSecond: drained.jobsPerSecond }),
      },
    ];
  } finally {
    await stack.close();
  }
  return buildResult({
    id: 'scale',
    title: '5. Scale: enqueueMany of a large backlog, then draining it',
    parameters: {
      jobs: total,
      chunk: CHUNK,
      job: 'renditionCreate, one input, two outputs',
      dequeued: total,
      consumer:
        'raw BullMQ Worker (no-op processor, concurrency 50) on the Darkroom queue, in the bench process',
      fair: `the same ${total} jobs through EditQueue fair: true (parked in their tenant's line), not drained`,
    },
    columns: [
      { key: 'jobsPerSecond', label: 'jobs/s', digits: 0 },
      { key: 'bytesPerJob', label: 'Redis bytes per waiting job', digits: 0 },
    ],
    measurements,
    figures: () => [
      { label: 'Redis bytes per waiting job', value: plainBytes, digits: 0, target: '<= 1,536' },
      {
        label: 'fair (parked) enqueue jobs/s, as a share of the plain enqueue',
        value: fair.jobsPerSecond / plainRate,
        target: '>= 0.90',
      },
      {
        label: 'fair (parked) Redis bytes per waiting job, as a share of the plain enqueue',
        value: fair.bytesPerJob / plainBytes,
        target: '<= 1.10',
      },
    ],
    notes: [
      'One run (the backlog is the experiment). Enqueue time includes validating every job (zod) in the producer; memory is INFO used_memory after minus before, over the jobs enqueued.',
      'The dequeue drains the whole backlog, slice by slice, as it shrinks; completed jobs past 50,000 are removed by BullMQ, as Darkroom configures it.',
      "A parked edit is its BullMQ job hash plus one entry in its tenant's line (a list), in none of BullMQ's sets; the fair rows are measured on an emptied Redis after the plain run, the same jobs, the same chunks.",
    ],
  });
};
