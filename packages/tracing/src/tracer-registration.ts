import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

let owner: string | undefined;

/** True while `startTracing` or `startTestTracing` has a tracer provider registered. */
export function isTracingActive(): boolean {
  return owner !== undefined;
}

/**
 * Registers `provider` as the process's tracer provider, with an AsyncLocalStorage context
 * manager and the W3C trace-context propagator, and returns the function that unregisters it.
 * One provider at a time: OpenTelemetry's API keeps the first registration and ignores later
 * ones, which would leave spans going to a provider that was shut down.
 */
export function registerProvider(provider: NodeTracerProvider, by: string): () => void {
  if (owner !== undefined) {
    throw new Error(`${by}: tracing is already started by ${owner}; shut that down first`);
  }
  provider.register({ propagator: new W3CTraceContextPropagator() });
  owner = by;
  return () => {
    trace.disable();
    context.disable();
    propagation.disable();
    owner = undefined;
  };
}
