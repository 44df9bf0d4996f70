import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { traceCarrierSchema } from '@darkroom/tracing';
import { startTestTracing, type ReadableSpan, type TestTracing } from '@darkroom/tracing/testing';
import { EditQueue, type EditJobData } from '../src';
import { EDIT_SPAN_ATTRIBUTES, EDIT_SPAN_NAMES } from '../src/edit-spans';

guardAgainstLeaks();

const rendition = (n = 0, account?: string) => ({
  operation: 'renditionCreate',
  input: 's3://darkroom-in/photos/a.psd',
  outputs: [{ ref: `s3://darkroom-out/renditions/a-${n}.jpg`, type: 'image/jpeg', width: 512 }],
  ...(account ? { account } : {}),
});

async function dataOf(edits: EditQueue, id: string): Promise<EditJobData> {
  const job = await edits.queue.getJob(id);
  if (!job) throw new Error(`job ${id} is not in Redis`);
  return job.data;
}

const traceIdOf = (traceparent: string | undefined): string | undefined =>
  traceparent?.split('-')[1];
const spanIdOf = (traceparent: string | undefined): string | undefined =>
  traceparent?.split('-')[2];

describe('EditQueue with tracing off (the default)', () => {
  let edits: EditQueue;
  beforeEach(() => {
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('edits') });
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  it('stores job data with no trace field and gives the queue no telemetry', async () => {
    const { id } = await edits.enqueue(rendition());
    const data = await dataOf(edits, id);
    expect(data.step).toBe('submit');
    expect(Object.keys(data)).not.toContain('trace');
    expect(edits.queue.opts.telemetry).toBeUndefined();
    const job = await edits.queue.getJob(id);
    expect(job?.opts.telemetry).toBeUndefined();
  });
});

describe('EditQueue with tracing on', () => {
  let tracing: TestTracing;
  let edits: EditQueue;
  beforeEach(() => {
    // Before the queue: BullMQ takes its telemetry option at construction.
    tracing = startTestTracing();
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('edits') });
  });
  afterEach(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
    await tracing.stop();
  });

  const named = (name: string): ReadableSpan[] => tracing.spans().filter((s) => s.name === name);

  it('saves the edit.enqueue span as the job trace, a root with the operation and account', async () => {
    const { id } = await edits.enqueue(rendition(0, 'acme'));
    const data = await dataOf(edits, id);
    expect(traceCarrierSchema.parse(data.trace)).toEqual(data.trace);
    const [enqueue] = named(EDIT_SPAN_NAMES.enqueue);
    expect(named(EDIT_SPAN_NAMES.enqueue)).toHaveLength(1);
    expect(enqueue?.parentSpanContext).toBeUndefined();
    expect(traceIdOf(data.trace?.traceparent)).toBe(enqueue?.spanContext().traceId);
    expect(spanIdOf(data.trace?.traceparent)).toBe(enqueue?.spanContext().spanId);
    expect(enqueue?.attributes).toMatchObject({
      [EDIT_SPAN_ATTRIBUTES.operation]: 'renditionCreate',
      [EDIT_SPAN_ATTRIBUTES.account]: 'acme',
      [EDIT_SPAN_ATTRIBUTES.editCount]: 1,
    });
  });

  it("puts BullMQ's add span under edit.enqueue and keeps its context in the job options", async () => {
    const { id } = await edits.enqueue(rendition());
    const [enqueue] = named(EDIT_SPAN_NAMES.enqueue);
    const adds = tracing.spans().filter((s) => s.name.startsWith('addBulk'));
    expect(adds).toHaveLength(1);
    expect(adds[0]?.parentSpanContext?.spanId).toBe(enqueue?.spanContext().spanId);
    const job = await edits.queue.getJob(id);
    const metadata = job?.opts.telemetry?.metadata ?? '';
    expect(metadata).toContain(enqueue?.spanContext().traceId);
  });

  it('gives every edit of one enqueueMany the same trace, with the count and no mixed names', async () => {
    const results = await edits.enqueueMany([
      rendition(1, 'acme'),
      {
        ...rendition(2, 'other'),
        operation: 'documentManifest',
        outputs: [{ ref: 's3://darkroom-out/manifests/a.json' }],
      },
    ]);
    const [enqueue] = named(EDIT_SPAN_NAMES.enqueue);
    expect(enqueue?.attributes[EDIT_SPAN_ATTRIBUTES.editCount]).toBe(2);
    expect(enqueue?.attributes).not.toHaveProperty(EDIT_SPAN_ATTRIBUTES.operation);
    expect(enqueue?.attributes).not.toHaveProperty(EDIT_SPAN_ATTRIBUTES.account);
    for (const { id } of results) {
      const data = await dataOf(edits, id);
      expect(traceIdOf(data.trace?.traceparent)).toBe(enqueue?.spanContext().traceId);
    }
  });

  it('returns the first trace to an idempotent replay, which starts a span of its own', async () => {
    const first = await edits.enqueue({ ...rendition(), idempotencyKey: 'order-7' });
    const again = await edits.enqueue({ ...rendition(), idempotencyKey: 'order-7' });
    expect(again).toEqual({ id: first.id, duplicate: true });
    const spans = named(EDIT_SPAN_NAMES.enqueue);
    expect(spans).toHaveLength(2);
    const data = await dataOf(edits, first.id);
    expect(traceIdOf(data.trace?.traceparent)).toBe(spans[0]?.spanContext().traceId);
  });

  it('records a refused enqueue on its span as an error', async () => {
    await edits.enqueue({ ...rendition(1), idempotencyKey: 'order-8' });
    await expect(edits.enqueue({ ...rendition(2), idempotencyKey: 'order-8' })).rejects.toThrow();
    const refused = named(EDIT_SPAN_NAMES.enqueue)[1];
    expect(refused?.attributes['error.type']).toBe('IdempotencyConflictError');
  });
});

describe("the README's Tracing table", () => {
  it('names the spans and attribute keys this package starts, and no others', async () => {
    const readme = await readFile(join(__dirname, '..', 'README.md'), 'utf8');
    const section = /## Tracing\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    const rows = section.split('\n').filter((line) => /^\| `edit\./.test(line));
    const cells = rows.map((row) => row.split('|').map((cell) => cell.trim()));
    expect(cells.map((c) => c[1])).toEqual(Object.values(EDIT_SPAN_NAMES).map((n) => `\`${n}\``));
    const listed = new Set(cells.flatMap((c) => c[3]?.match(/darkroom\.[a-z._]+/g) ?? []));
    expect([...listed].sort()).toEqual([...new Set(Object.values(EDIT_SPAN_ATTRIBUTES))].sort());
  });
});
