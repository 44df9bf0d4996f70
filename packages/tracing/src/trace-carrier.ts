import { context, propagation } from '@opentelemetry/api';
import { z } from 'zod';

/**
 * The W3C trace context of a span, as `traceparent`/`tracestate` strings: small, secret-free,
 * and safe to keep in a job's data so later steps continue the same trace.
 */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/**
 * A saved carrier as job data may hold it: `traceparent` in the W3C form
 * (`00-<32 hex>-<16 hex>-<2 hex>`), `tracestate` at most 512 characters.
 */
export const traceCarrierSchema = z
  .object({
    traceparent: z
      .string()
      .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, {
        message: 'must be a W3C traceparent: 00-<32 hex>-<16 hex>-<2 hex>',
      })
      .optional(),
    tracestate: z.string().max(512).optional(),
  })
  .strict();

/** The active span's trace context; `{}` when tracing is off or no span is active. */
export function traceCarrier(): TraceCarrier {
  const fields: Record<string, string> = {};
  propagation.inject(context.active(), fields);
  const carrier: TraceCarrier = {};
  if (fields.traceparent !== undefined) carrier.traceparent = fields.traceparent;
  if (fields.tracestate !== undefined) carrier.tracestate = fields.tracestate;
  return carrier;
}

/**
 * Runs `fn` with the span saved in `carrier` as the remote parent, so spans started inside join
 * that trace. A missing or malformed `traceparent` leaves the active context as it is: a lost
 * trace link never fails the work.
 */
export function withRemoteParent<T>(carrier: TraceCarrier | undefined, fn: () => T): T {
  if (!carrier?.traceparent) return fn();
  const parent = propagation.extract(context.active(), { ...carrier });
  return context.with(parent, fn);
}
