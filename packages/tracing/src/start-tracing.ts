import { closeOnce } from '@darkroom/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { resolveTracingConfig } from './tracing-config';
import { registerProvider } from './tracer-registration';

export interface StartTracingOptions {
  /** The program's name for its spans; `OTEL_SERVICE_NAME` overrides it. */
  serviceName: string;
  /**
   * Where the on/off switch and the service name are read. The exporter, sampler and batching
   * variables are read by the SDK from `process.env` (see the README's table).
   * @defaultValue `process.env`
   */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface Tracing {
  /** False when tracing is off: nothing was registered and spans cost a no-op call. */
  readonly enabled: boolean;
  /** Exports the spans still queued, then unregisters the provider. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing for this process when the standard `OTEL_*` variables ask for it
 * (see `resolveTracingConfig`): a Node tracer provider with a batch span processor and the OTLP
 * HTTP exporter, registered globally with W3C trace-context propagation. Off by default, and
 * then nothing is registered: Darkroom's spans go to the API's no-op tracer.
 *
 * @throws {TracingConfigError} when an `OTEL_*` variable Darkroom reads is malformed
 */
export function startTracing(options: StartTracingOptions): Tracing {
  const config = resolveTracingConfig(options.serviceName, options.env ?? process.env);
  if (!config.enabled) return { enabled: false, shutdown: () => Promise.resolve() };
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  const unregister = registerProvider(provider, 'startTracing');
  return {
    enabled: true,
    shutdown: closeOnce(async () => {
      try {
        await provider.shutdown();
      } finally {
        unregister();
      }
    }),
  };
}
