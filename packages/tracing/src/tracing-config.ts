import { z } from 'zod';
import { TracingConfigError } from './errors/tracing-config-error';

export interface TracingConfig {
  /** True when traces are to be exported over OTLP. */
  enabled: boolean;
  /** `OTEL_SERVICE_NAME` when set, else the service name the program gave. */
  serviceName: string;
}

const nonEmpty = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s === '' ? undefined : s));

const otelEnvSchema = z.object({
  OTEL_SDK_DISABLED: nonEmpty,
  OTEL_TRACES_EXPORTER: nonEmpty,
  OTEL_EXPORTER_OTLP_ENDPOINT: nonEmpty,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: nonEmpty,
  OTEL_SERVICE_NAME: nonEmpty,
});

/** `OTEL_TRACES_EXPORTER` is a comma-separated list; Darkroom ships the OTLP exporter only. */
function exporters(value: string | undefined): Set<string> {
  const names = new Set((value ?? '').split(',').map((s) => s.trim().toLowerCase()));
  names.delete('');
  for (const name of names) {
    if (name !== 'otlp' && name !== 'none') {
      throw new TracingConfigError(
        'OTEL_TRACES_EXPORTER',
        'must be "otlp" or "none" (the only trace exporter Darkroom ships is OTLP over HTTP)',
      );
    }
  }
  return names;
}

function checkUrl(field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new TracingConfigError(field, 'must be an absolute http(s) URL');
  }
}

/**
 * Whether tracing is on, from the standard variables: off by default; on when
 * `OTEL_SDK_DISABLED` is not `true` and `OTEL_TRACES_EXPORTER` names `otlp` or an OTLP endpoint
 * is set. `OTEL_TRACES_EXPORTER=none` turns it off even with an endpoint.
 *
 * @throws {TracingConfigError} naming the variable and the rule it breaks
 */
export function resolveTracingConfig(
  serviceName: string,
  env: Readonly<Record<string, string | undefined>>,
): TracingConfig {
  const vars = otelEnvSchema.parse({
    OTEL_SDK_DISABLED: env.OTEL_SDK_DISABLED,
    OTEL_TRACES_EXPORTER: env.OTEL_TRACES_EXPORTER,
    OTEL_EXPORTER_OTLP_ENDPOINT: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    OTEL_SERVICE_NAME: env.OTEL_SERVICE_NAME,
  });
  const name = vars.OTEL_SERVICE_NAME ?? serviceName;
  const names = exporters(vars.OTEL_TRACES_EXPORTER);
  checkUrl('OTEL_EXPORTER_OTLP_ENDPOINT', vars.OTEL_EXPORTER_OTLP_ENDPOINT);
  checkUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const disabled = vars.OTEL_SDK_DISABLED?.toLowerCase() === 'true';
  const endpoint =
    vars.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined ||
    vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined;
  const wanted = names.has('otlp') || (endpoint && !names.has('none'));
  return { enabled: !disabled && wanted, serviceName: name };
}
