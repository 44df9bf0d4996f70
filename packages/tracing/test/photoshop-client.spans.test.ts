import { closeAll } from '@darkroom/core';
import { createEmulator, DEFAULT_CLIENT, type Emulator } from '@darkroom/emulator';
import {
  getOperation,
  ImsTokenProvider,
  PhotoshopClient,
  type NormalizedStatus,
} from '@darkroom/photoshop';
import { StorageRegistry } from '@darkroom/storage';
import {
  guardAgainstLeaks,
  startS3rver,
  testJpeg,
  waitFor,
  type S3rverFixture,
} from '@darkroom/testing';
import { SPAN_ATTRIBUTES as ATTR, SPAN_NAMES, withSpan } from '../src';
import { startTestTracing, type ReadableSpan, type TestTracing } from '../src/testing';
import { leaks } from './support/forbidden';

guardAgainstLeaks();

/**
 * One edit as the worker runs it, against the real emulator and s3rver: upload the input,
 * presign it and the output (S3 URLs signed in their query), submit, poll, stat the output.
 */
describe('the spans of one edit: storage, IMS and the Photoshop API', () => {
  let emulator: Emulator;
  let s3: S3rverFixture;
  let storage: StorageRegistry;
  let client: PhotoshopClient;
  let tracing: TestTracing;
  let bucket: string;

  beforeAll(async () => {
    [emulator, s3] = await Promise.all([createEmulator({ timeFactor: 0 }), startS3rver()]);
    bucket = await s3.createBucket();
    storage = new StorageRegistry({ s3: { default: s3.config } });
    client = new PhotoshopClient({
      baseUrls: { v1: emulator.url, v2: emulator.url },
      apiKey: DEFAULT_CLIENT.clientId,
      auth: new ImsTokenProvider({
        imsBaseUrl: emulator.url,
        clientId: DEFAULT_CLIENT.clientId,
        clientSecret: DEFAULT_CLIENT.clientSecret,
      }),
      retry: { retries: 1, baseDelayMs: 5 },
    });
    tracing = startTestTracing();
  });

  afterAll(() =>
    closeAll([
      () => tracing.stop(),
      () => storage.close(),
      () => emulator.close(),
      () => s3.close(),
    ]),
  );

  async function runEdit(): Promise<NormalizedStatus> {
    const input = `s3://${bucket}/in/photo.jpg`;
    const output = `s3://${bucket}/out/photo.png`;
    await storage.upload(input, await testJpeg(32, 24), 'image/jpeg');
    const [read, write] = await Promise.all([
      storage.presignRead(input, 600),
      storage.presignWrite(output, 600),
    ]);
    expect(read.href).toContain('X-Amz-Signature=');
    const { statusUrl } = await client.submit('v2.createComposite', {
      image: { source: { url: read.href } },
      outputs: [{ destination: { url: write.href }, mediaType: 'image/png' }],
    });
    const status = await waitFor(
      async () => {
        const s = await client.getStatus(statusUrl, { operationId: 'v2.createComposite' });
        return s.state === 'succeeded' || s.state === 'failed' ? s : undefined;
      },
      { timeoutMs: 10_000, what: 'the composite to finish' },
    );
    expect((await storage.stat(output)).exists).toBe(true);
    return status;
  }

  const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
  const parentId = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('nests every call under the edit, with the attributes the README lists', async () => {
    tracing.reset();
    const status = await withSpan('edit', {}, () => runEdit());
    expect(status.state).toBe('succeeded');
    const spans = tracing.spans();
    const [edit] = byName(spans, 'edit');
    const [submit] = byName(spans, SPAN_NAMES.adobeSubmit);
    const statuses = byName(spans, SPAN_NAMES.adobeStatus);
    const [ims] = byName(spans, SPAN_NAMES.imsToken);
    const [upload] = byName(spans, SPAN_NAMES.storageUpload);
    const presigns = byName(spans, SPAN_NAMES.storagePresign);
    const [stat] = byName(spans, SPAN_NAMES.storageStat);
    if (!edit || !submit || !ims || !upload || !stat) throw new Error('a span is missing');
    const editId = edit.spanContext().spanId;

    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(
      new Set([edit.spanContext().traceId]),
    );
    expect(parentId(submit)).toBe(editId);
    expect(parentId(ims)).toBe(submit.spanContext().spanId);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => parentId(s) === editId)).toBe(true);
    expect(parentId(upload)).toBe(editId);
    expect(parentId(stat)).toBe(editId);
    // One presign inside the upload, then the input's read and the output's write.
    expect(presigns.map((p) => p.attributes[ATTR.storageAccess]).sort()).toEqual([
      'read',
      'write',
      'write',
    ]);
    expect(presigns.filter((p) => parentId(p) === upload.spanContext().spanId)).toHaveLength(1);

    const jobId = submit.attributes[ATTR.adobeJobId];
    expect(typeof jobId).toBe('string');
    expect(submit.attributes).toMatchObject({
      [ATTR.operation]: 'v2.createComposite',
      [ATTR.apiGeneration]: 'v2',
      [ATTR.httpMethod]: 'POST',
      [ATTR.httpStatusCode]: 202,
      [ATTR.urlFull]: `${emulator.url}${getOperation('v2.createComposite').path}`,
    });
    expect(statuses.at(-1)?.attributes).toMatchObject({
      [ATTR.operation]: 'v2.createComposite',
      [ATTR.httpMethod]: 'GET',
      [ATTR.httpStatusCode]: 200,
      [ATTR.adobeJobId]: jobId,
      [ATTR.adobeJobState]: 'succeeded',
      [ATTR.httpResendCount]: 0,
    });
    expect(ims.attributes).toMatchObject({
      [ATTR.httpMethod]: 'POST',
      [ATTR.httpStatusCode]: 200,
      [ATTR.serverAddress]: '127.0.0.1',
    });
    expect(presigns[0]?.attributes).toMatchObject({
      [ATTR.storageScheme]: 's3',
      [ATTR.storageKind]: 'external',
      [ATTR.storageTtlSeconds]: expect.any(Number) as number,
    });
    expect(upload.attributes).toMatchObject({ [ATTR.storageScheme]: 's3' });
    expect(stat.attributes).toMatchObject({ [ATTR.storageExists]: true });
    expect(stat.attributes[ATTR.storageSizeBytes]).toBeGreaterThan(0);
  });

  it('exports no query string, token, bearer credential, signature or client secret', async () => {
    tracing.reset();
    await withSpan('edit', {}, () => runEdit());
    const spans = tracing.spans();
    expect(spans.length).toBeGreaterThan(5);
    expect(
      leaks(spans, ['?', 'token', 'Bearer', 'sig=', 'X-Amz-', DEFAULT_CLIENT.clientSecret]),
    ).toEqual([]);
  });

  it('records a submit answered 503 as an error span with its status code, cleaned', async () => {
    tracing.reset();
    const presigned = 'https://bucket.s3.amazonaws.com/in.jpg?X-Amz-Signature=abc&sig=def';
    emulator.setFaults({ submit: { errorRate: 1, errorStatuses: [503] } });
    try {
      await expect(
        client.submit('v2.createComposite', {
          image: { source: { url: presigned } },
          outputs: [{ destination: { url: presigned }, mediaType: 'image/png' }],
        }),
      ).rejects.toThrow();
    } finally {
      emulator.setFaults({});
    }
    const [submit] = byName(tracing.spans(), SPAN_NAMES.adobeSubmit);
    expect(submit?.status.code).toBe(2);
    expect(submit?.attributes[ATTR.httpStatusCode]).toBe(503);
    expect(submit?.attributes[ATTR.errorType]).toBe('SubmitOutcomeUnknownError');
    expect(submit?.events.map((e) => e.name)).toEqual(['exception']);
    expect(leaks(tracing.spans(), ['?', 'sig=', 'X-Amz-', 'Bearer'])).toEqual([]);
  });
});
