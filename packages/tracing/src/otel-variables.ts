/**
 * Who reads an `OTEL_*` variable: `darkroom` reads it from the `env` given to `startTracing`;
 * `sdk` is read by the OpenTelemetry SDK or exporter from `process.env` when tracing is on.
 */
export type OtelVariableReader = 'darkroom' | 'sdk';

/** The `OTEL_*` variables tracing honours; the README's table lists the same names. */
export const OTEL_VARIABLES: Readonly<Record<string, OtelVariableReader>> = Object.freeze({
  OTEL_SDK_DISABLED: 'darkroom',
  OTEL_TRACES_EXPORTER: 'darkroom',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'darkroom',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'darkroom',
  OTEL_SERVICE_NAME: 'darkroom',
  OTEL_RESOURCE_ATTRIBUTES: 'sdk',
  OTEL_EXPORTER_OTLP_HEADERS: 'sdk',
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'sdk',
  OTEL_EXPORTER_OTLP_TIMEOUT: 'sdk',
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: 'sdk',
  OTEL_EXPORTER_OTLP_COMPRESSION: 'sdk',
  OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'sdk',
  OTEL_EXPORTER_OTLP_CERTIFICATE: 'sdk',
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: 'sdk',
  OTEL_EXPORTER_OTLP_CLIENT_KEY: 'sdk',
  OTEL_TRACES_SAMPLER: 'sdk',
  OTEL_TRACES_SAMPLER_ARG: 'sdk',
  OTEL_BSP_SCHEDULE_DELAY: 'sdk',
  OTEL_BSP_EXPORT_TIMEOUT: 'sdk',
  OTEL_BSP_MAX_QUEUE_SIZE: 'sdk',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'sdk',
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: 'sdk',
  OTEL_ATTRIBUTE_COUNT_LIMIT: 'sdk',
  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: 'sdk',
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: 'sdk',
  OTEL_SPAN_EVENT_COUNT_LIMIT: 'sdk',
  OTEL_SPAN_LINK_COUNT_LIMIT: 'sdk',
});
