import { SpanStatusCode, trace } from '@opentelemetry/api';
import { annotateSpan, SpanKind, withSpan } from '../src';
import { startTestTracing, type TestTracing } from '../src/testing';
import { leaks } from './support/forbidden';

describe('withSpan', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = startTestTracing();
  });
  afterEach(() => tracing.stop());

  it('makes the span active for fn, nests spans, ends them and returns the value', async () => {
    const value = await withSpan('outer', { 'darkroom.operation': 'x' }, async (outer) => {
      expect(trace.getActiveSpan()).toBe(outer);
      return withSpan('inner', {}, () => 42, { kind: SpanKind.CLIENT });
    });
    expect(value).toBe(42);
    const [inner, outer] = tracing.spans();
    expect(outer?.name).toBe('outer');
    expect(outer?.attributes).toEqual({ 'darkroom.operation': 'x' });
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(inner?.kind).toBe(SpanKind.CLIENT);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('records a failure with error status and error.type, cleaned, and rethrows it', async () => {
    const failure = new TypeError(
      'GET https://x.example/a?X-Amz-Signature=s3cr3t failed, Authorization: Bearer abcdefghijk',
    );
    await expect(withSpan('failing', {}, () => Promise.reject(failure))).rejects.toBe(failure);
    const [span] = tracing.spans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('TypeError');
    expect(span?.events[0]?.attributes?.['exception.message']).toContain('https://x.example/a');
    expect(leaks(tracing.spans(), ['s3cr3t', 'abcdefghijk', '?'])).toEqual([]);
  });

  it('annotateSpan adds cleaned attributes to the active span, and is a no-op outside one', async () => {
    annotateSpan({ ignored: 1 });
    await withSpan('annotated', {}, () => {
      annotateSpan({ 'http.response.status_code': 200, token: 'secret-value' });
    });
    expect(tracing.spans()[0]?.attributes).toEqual({ 'http.response.status_code': 200 });
  });
});
