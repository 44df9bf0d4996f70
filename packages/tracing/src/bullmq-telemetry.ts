import type { Telemetry } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import { isTracingActive } from './tracer-registration';

/**
 * BullMQ's `telemetry` option for a Queue, Worker or FlowProducer: spans for BullMQ's own
 * operations (`add`, `process`, `complete`, `moveToDelayed`…) under the tracer `darkroom.bullmq`,
 * with the producer's trace context kept in each job's options so every `process` of a job joins
 * the trace its `add` began. `undefined` when tracing is off, so BullMQ does no tracing work.
 * Call it after `startTracing`.
 */
export function bullmqTelemetry(): Telemetry | undefined {
  if (!isTracingActive()) return undefined;
  return new BullMQOtel({ tracerName: 'darkroom.bullmq' });
}
