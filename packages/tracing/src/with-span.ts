import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { coerceError, redactSecrets, withoutUrlQueries } from '@darkroom/core';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { spanAttributes } from './span-attributes';

/** The instrumentation scope of every Darkroom span. */
export const TRACER_NAME = 'darkroom';

// Asked for at each use: the API's proxy tracer keeps the first provider it saw, and tracing can
// be stopped and started again in one process (tests do).
function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

function clean(text: string): string {
  return redactSecrets(withoutUrlQueries(text));
}

/** Records a failure on `span` with its message and stack cleaned of URLs' queries and secrets. */
function recordFailure(span: Span, err: unknown): void {
  if (!span.isRecording()) return;
  const error = coerceError(err);
  const message = clean(error.message);
  span.recordException({
    name: error.name,
    message,
    ...(error.stack === undefined ? {} : { stack: clean(error.stack) }),
  });
  span.setAttribute(ATTR_ERROR_TYPE, error.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

export interface WithSpanOptions {
  /** @defaultValue `SpanKind.INTERNAL` */
  kind?: SpanKind;
}

/**
 * Runs `fn` with a new span active (a child of the active span, else a root), then ends it. A
 * throw or rejection is recorded on the span (exception event, `error.type`, error status) and
 * passed on unchanged. `attributes` go through `spanAttributes`, only when the span records:
 * with tracing off this is one no-op span and a closure.
 */
export async function withSpan<T>(
  name: string,
  attributes: Readonly<Record<string, unknown>>,
  fn: (span: Span) => Promise<T> | T,
  options: WithSpanOptions = {},
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL },
    async (span): Promise<T> => {
      if (span.isRecording()) span.setAttributes(spanAttributes(attributes));
      try {
        return await fn(span);
      } catch (err) {
        recordFailure(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Adds attributes (through `spanAttributes`) to the active span, when there is one that records:
 * for facts learned inside a `withSpan` (a status code, the job id Adobe assigned).
 */
export function annotateSpan(attributes: Readonly<Record<string, unknown>>): void {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.setAttributes(spanAttributes(attributes));
}

export type { Attributes, Span };
export { SpanKind };
