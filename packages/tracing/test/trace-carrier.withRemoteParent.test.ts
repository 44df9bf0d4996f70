import { trace } from '@opentelemetry/api';
import { traceCarrier, traceCarrierSchema, withRemoteParent, withSpan } from '../src';
import { startTestTracing, type TestTracing } from '../src/testing';

describe('traceCarrier and withRemoteParent', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = startTestTracing();
  });
  afterEach(() => tracing.stop());

  it('continue the trace saved at enqueue in a later step, as a child of the saved span', async () => {
    const saved = await withSpan('enqueue', {}, () => traceCarrier());
    expect(traceCarrierSchema.parse(saved)).toEqual(saved);
    // A later step: no span active, only the carrier read back from the job.
    expect(trace.getActiveSpan()).toBeUndefined();
    await withRemoteParent(saved, () => withSpan('poll', {}, () => undefined));
    const [enqueue, poll] = tracing.spans();
    expect(poll?.spanContext().traceId).toBe(enqueue?.spanContext().traceId);
    expect(poll?.parentSpanContext?.spanId).toBe(enqueue?.spanContext().spanId);
    expect(poll?.parentSpanContext?.isRemote).toBe(true);
  });

  it('gives {} outside a span, and runs fn as a new root when the carrier is empty or bad', async () => {
    expect(traceCarrier()).toEqual({});
    await withRemoteParent({}, () => withSpan('a', {}, () => undefined));
    await withRemoteParent({ traceparent: 'not-a-traceparent' }, () =>
      withSpan('b', {}, () => undefined),
    );
    await withRemoteParent(undefined, () => withSpan('c', {}, () => undefined));
    const spans = tracing.spans();
    expect(spans.map((s) => s.parentSpanContext)).toEqual([undefined, undefined, undefined]);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(3);
  });

  it('traceCarrierSchema names the field and the rule of a bad carrier', () => {
    const result = traceCarrierSchema.safeParse({ traceparent: '00-xyz' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['traceparent'],
      message: expect.stringContaining('W3C traceparent') as string,
    });
  });
});
