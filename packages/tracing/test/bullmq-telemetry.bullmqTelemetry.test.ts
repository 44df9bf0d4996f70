import { Queue, Worker, type Job } from 'bullmq';
import { closeAll } from '@darkroom/core';
import { guardAgainstLeaks, redisUrl, uniqueName, waitFor } from '@darkroom/testing';
import { bullmqTelemetry, traceCarrier, withSpan } from '../src';
import { startTestTracing } from '../src/testing';

guardAgainstLeaks();

describe('bullmqTelemetry', () => {
  it('is undefined while tracing is off', () => {
    expect(bullmqTelemetry()).toBeUndefined();
  });

  it('joins a job’s processing to the trace its enqueue began, through Redis', async () => {
    const tracing = startTestTracing();
    const telemetry = bullmqTelemetry();
    expect(telemetry).toBeDefined();
    const name = uniqueName('tracing');
    const connection = { url: redisUrl(), maxRetriesPerRequest: null };
    const queue = new Queue(name, { connection, telemetry, prefix: '{darkroom-test}' });
    let finished!: (job: Job) => void;
    const done = new Promise<Job>((resolve) => (finished = resolve));
    const worker = new Worker(
      name,
      (job) => withSpan('darkroom.step', { 'bullmq.job.id': job.id }, () => traceCarrier()),
      { connection, telemetry, prefix: '{darkroom-test}' },
    );
    worker.on('completed', (job) => finished(job));
    try {
      const enqueued = await withSpan('darkroom.enqueue', {}, () => queue.add('edit', { n: 1 }));
      const job = await done;
      expect(job.id).toBe(enqueued.id);
      // The consumer span ends just after the 'completed' event.
      const spans = await waitFor(() => {
        const all = tracing.spans();
        return all.some((s) => s.name.startsWith('process')) ? all : undefined;
      });
      const [enqueue] = spans.filter((s) => s.name === 'darkroom.enqueue');
      const [step] = spans.filter((s) => s.name === 'darkroom.step');
      const process = spans.find((s) => s.name.startsWith('process'));
      expect(step?.spanContext().traceId).toBe(enqueue?.spanContext().traceId);
      expect(step?.parentSpanContext?.spanId).toBe(process?.spanContext().spanId);
      // What BullMQ keeps in Redis for this: the W3C trace context and nothing else.
      const stored = JSON.parse(String(job.opts.telemetry?.metadata)) as Record<string, string>;
      expect(Object.keys(stored)).toEqual(['traceparent']);
      expect(stored.traceparent).toContain(enqueue?.spanContext().traceId);
    } finally {
      await closeAll([
        () => worker.close(),
        async () => {
          await queue.obliterate({ force: true });
          await queue.close();
        },
        () => tracing.stop(),
      ]);
    }
  });
});
