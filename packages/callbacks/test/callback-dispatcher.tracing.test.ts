import { guardAgainstLeaks, waitFor } from '@darkroom/testing';
import { SPAN_NAMES, traceCarrier, withSpan } from '@darkroom/tracing';
import { startTestTracing } from '@darkroom/tracing/testing';
import { startDispatcher, type DispatcherFixture } from './support/dispatcher-fixture';
import { startReceiver, status, type Receiver } from './support/receiver';

guardAgainstLeaks();

describe('CallbackDispatcher tracing', () => {
  let receiver: Receiver;
  let fx: DispatcherFixture | undefined;
  let tracing: ReturnType<typeof startTestTracing>;

  beforeEach(async () => {
    tracing = startTestTracing();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
    await receiver.close();
    await tracing.stop();
  });

  it("makes each attempt a span of the edit's trace, with the target and no query or secret", async () => {
    fx = await startDispatcher({ allow: [receiver.hostPort] });
    receiver.answers.push(status(503), status(204));
    let edit = { traceId: '', spanId: '' };
    await withSpan('edit.step', {}, async (span) => {
      edit = span.spanContext();
      await fx!.dispatcher.enqueue({
        editId: 'edit-t',
        url: `${receiver.origin}/hooks?app_token=abc123`,
        type: 'edit.completed',
        data: { outputs: [] },
        trace: traceCarrier(),
      });
    });
    const attempts = await waitFor(
      () => {
        const found = tracing.spans().filter((s) => s.name === SPAN_NAMES.callbackDeliver);
        return found.length === 2 ? found : undefined;
      },
      { what: 'two delivery attempts to be traced' },
    );
    for (const span of attempts) {
      expect(span.spanContext().traceId).toBe(edit.traceId);
      expect(span.parentSpanContext?.spanId).toBe(edit.spanId);
      expect(span.attributes['url.full']).toBe(`${receiver.origin}/hooks`);
    }
    expect(attempts.map((s) => s.attributes['darkroom.callback.attempt'])).toEqual([1, 2]);
    expect(attempts.map((s) => s.attributes['http.response.status_code'])).toEqual([503, 204]);
    expect(attempts.map((s) => s.attributes['darkroom.callback.state'])).toEqual([
      'failed',
      'delivered',
    ]);
    const exported = JSON.stringify(attempts.map((s) => s.attributes));
    expect(exported).not.toContain('abc123');
    for (const secret of fx.secrets) expect(exported).not.toContain(secret);
  });
});
