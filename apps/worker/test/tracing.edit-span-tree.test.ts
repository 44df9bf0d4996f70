import { guardAgainstLeaks, uniqueName, waitFor } from '@darkroom/testing';
import { startTestTracing, type ReadableSpan, type TestTracing } from '@darkroom/tracing/testing';
import { CLIENT, startStack, type Stack } from './support/stack';

guardAgainstLeaks();

/** Strings no exported attribute may hold: queries, tokens, signatures, the client secret. */
const FORBIDDEN = [/\?/, /token/i, /bearer/i, /sig=/i, /x-amz-/i, new RegExp(CLIENT.clientSecret)];

const attr = (span: ReadableSpan | undefined, key: string): unknown => span?.attributes[key];
const idOf = (span: ReadableSpan | undefined): string | undefined => span?.spanContext().spanId;
const parentIdOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

/** One edit's trace, read from the in-memory exporter. */
class EditTrace {
  constructor(readonly spans: readonly ReadableSpan[]) {}
  named(name: string): ReadableSpan[] {
    return this.spans.filter((s) => s.name === name);
  }
  childrenOf(span: ReadableSpan | undefined, name: string): ReadableSpan[] {
    return this.named(name).filter((s) => parentIdOf(s) === idOf(span));
  }
  parentOf(span: ReadableSpan): ReadableSpan | undefined {
    return this.spans.find((s) => idOf(s) === parentIdOf(span));
  }
  /** The names of the spans from `span` up to the root, the span's own first. */
  pathOf(span: ReadableSpan): string[] {
    const parent = this.parentOf(span);
    return [span.name, ...(parent ? this.pathOf(parent) : [])];
  }
}

const stepCompleted = (s: ReadableSpan): boolean =>
  attr(s, 'darkroom.step.outcome') === 'completed';

/**
 * Runs one rendition to completion and returns the spans of its trace once the last of
 * `awaited` (by default the step that completed the edit) has ended.
 */
async function traceOneEdit(
  stack: Stack,
  tracing: TestTracing,
  awaited: readonly ((s: ReadableSpan) => boolean)[] = [stepCompleted],
): Promise<EditTrace> {
  const input = `s3://${stack.inBucket}/${uniqueName('in')}/photo.jpg`;
  await stack.put(input, await stack.jpeg());
  const output = `s3://${stack.outBucket}/${uniqueName('out')}/photo.jpg`;
  const { id } = await stack.edits.enqueue({
    operation: 'renditionCreate',
    input,
    outputs: [{ ref: output, type: 'image/jpeg', width: 64 }],
  });
  const done = await stack.edits.waitFor(id, { timeout: 60_000 });
  expect(done.state).toBe('completed');
  const root = tracing.spans().find((s) => s.name === 'edit.enqueue');
  const traceId = root?.spanContext().traceId;
  return waitFor(
    () => {
      const spans = tracing.spans().filter((s) => s.spanContext().traceId === traceId);
      return awaited.every((match) => spans.some(match)) ? new EditTrace(spans) : undefined;
    },
    { what: 'the spans of the end of the edit' },
  );
}

/** What holds whichever way the steps find their parent. */
function expectOneEditTree(edit: EditTrace): void {
  const [root, ...otherRoots] = edit.named('edit.enqueue');
  expect(otherRoots).toEqual([]);
  expect(root?.parentSpanContext).toBeUndefined();
  expect(attr(root, 'darkroom.operation')).toBe('renditionCreate');
  // One trace: every span reaches the enqueue span.
  for (const span of edit.spans) expect(edit.pathOf(span).at(-1)).toBe('edit.enqueue');

  const steps = edit.named('edit.step').sort((a, b) => a.startTime[0] - b.startTime[0]);
  // The first pick-up parks the edit in its tenant's line; the one after its admission submits.
  const [parked, submit, ...polls] = steps;
  expect(attr(parked, 'darkroom.step')).toBe('submit');
  expect(attr(parked, 'darkroom.step.outcome')).toBe('delayed');
  expect(edit.childrenOf(parked, 'adobe.submit')).toHaveLength(0);
  expect(attr(submit, 'darkroom.step')).toBe('submit');
  expect(attr(submit, 'darkroom.step.outcome')).toBe('delayed');
  expect(attr(submit, 'darkroom.operation')).toBe('renditionCreate');
  expect(attr(submit, 'darkroom.account')).toBe('default');
  expect(attr(submit, 'darkroom.job.attempt')).toBe(1);
  expect(attr(submit, 'darkroom.job.id')).toBe(attr(parked, 'darkroom.job.id'));
  expect(attr(submit, 'darkroom.job.id')).toEqual(expect.any(String));
  expect(edit.childrenOf(submit, 'adobe.submit')).toHaveLength(1);
  expect(edit.childrenOf(submit, 'storage.presign').length).toBeGreaterThanOrEqual(2);

  expect(polls.length).toBeGreaterThanOrEqual(1);
  for (const poll of polls) {
    expect(attr(poll, 'darkroom.step')).toBe('poll');
    expect(edit.childrenOf(poll, 'adobe.status')).toHaveLength(1);
  }
  const last = polls.at(-1);
  expect(attr(last, 'darkroom.step.outcome')).toBe('completed');
  expect(edit.childrenOf(last, 'storage.stat')).toHaveLength(1);
  // A delayed hand-back is how a step waits, not an error.
  for (const step of steps) expect(step.status.code).not.toBe(2);
}

function expectNoSecretValues(edit: EditTrace): void {
  const values = edit.spans.flatMap((s) => [
    ...Object.values(s.attributes),
    ...s.events.flatMap((e) => Object.values(e.attributes ?? {})),
  ]);
  expect(values.length).toBeGreaterThan(0);
  for (const value of values.flat()) {
    for (const pattern of FORBIDDEN) expect(String(value)).not.toMatch(pattern);
  }
}

describe('one edit, one trace: the context carried in the job data', () => {
  let stack: Stack;
  let tracing: TestTracing;
  let edit: EditTrace;
  beforeAll(async () => {
    // Tracing starts after the queue and the worker exist, so BullMQ has no telemetry: the steps
    // find the enqueue span through `job.data.trace` alone.
    stack = await startStack();
    await stack.startWorker();
    tracing = startTestTracing();
    edit = await traceOneEdit(stack, tracing);
  });
  afterAll(async () => {
    await stack.close();
    await tracing.stop();
  });

  it('runs every step as a child of the enqueue span, with Adobe and storage calls under it', () => {
    expectOneEditTree(edit);
    const root = edit.named('edit.enqueue')[0];
    for (const step of edit.named('edit.step')) expect(parentIdOf(step)).toBe(idOf(root));
    expect(edit.spans.filter((s) => s.name.startsWith('process'))).toEqual([]);
  });

  it('exports no URL query, token, signature or client secret in any attribute', () => {
    expectNoSecretValues(edit);
  });

  it('marks the step that failed an edit as failed, with the error recorded', async () => {
    const { id } = await stack.edits.enqueue({
      operation: 'renditionCreate',
      input: `s3://${stack.inBucket}/${uniqueName('missing')}.jpg`,
      outputs: [{ ref: `s3://${stack.outBucket}/${uniqueName('x')}.jpg`, type: 'image/jpeg' }],
    });
    const done = await stack.edits.waitFor(id, { timeout: 60_000 });
    expect(done.failure?.reason).toBe('remote_failed');
    const failed = await waitFor(() =>
      tracing
        .spans()
        .find(
          (s) => attr(s, 'darkroom.job.id') === id && attr(s, 'darkroom.step.outcome') === 'failed',
        ),
    );
    expect(attr(failed, 'darkroom.step')).toBe('poll');
    expect(attr(failed, 'error.type')).toBe('UnrecoverableError');
    expect(failed.status.code).toBe(2);
  });
});

describe("one edit, one trace: with BullMQ's telemetry in the queue and the worker", () => {
  let stack: Stack;
  let tracing: TestTracing;
  let edit: EditTrace;
  beforeAll(async () => {
    tracing = startTestTracing();
    stack = await startStack();
    await stack.startWorker();
    edit = await traceOneEdit(stack, tracing, [
      stepCompleted,
      (s) => s.name.startsWith('complete '),
    ]);
  });
  afterAll(async () => {
    await stack.close();
    await tracing.stop();
  });

  it("nests each step in BullMQ's process span, under the add of the enqueue", () => {
    expectOneEditTree(edit);
    for (const step of edit.named('edit.step')) {
      expect(edit.pathOf(step)).toEqual([
        'edit.step',
        expect.stringMatching(/^process /),
        expect.stringMatching(/^addBulk /),
        'edit.enqueue',
      ]);
    }
    // The completion: BullMQ's `complete` under the pick-up whose step completed the edit.
    const done = edit.named('edit.step').find(stepCompleted);
    const pickUp = done && edit.parentOf(done);
    const completes = edit.spans.filter((s) => s.name.startsWith('complete '));
    expect(completes.map((s) => parentIdOf(s))).toEqual([idOf(pickUp)]);
  });

  it('exports no URL query, token, signature or client secret in any attribute', () => {
    expectNoSecretValues(edit);
  });
});
