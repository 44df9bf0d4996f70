import { guardAgainstLeaks, uniqueName } from '@darkroom/testing';
import { startStack, type Stack } from './support/stack';

guardAgainstLeaks();

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
/** The colour type byte of a PNG's IHDR chunk: 6 is truecolour with alpha. */
const colourType = (png: Buffer) => png[25];

describe("remove-background and masking end to end (S3, the emulator with Adobe's limits, real Redis)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { limits: {} } });
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('a v2.removeBackground edit writes an RGBA cut-out where the job asked', async () => {
    const input = `s3://${stack.inBucket}/${uniqueName('rb')}/input.jpg`;
    await stack.put(input, await stack.sample('input.jpg'));
    const out = `s3://${stack.outBucket}/${uniqueName('rb')}/cut.png`;
    const { id } = await stack.edits.enqueue({
      operation: 'v2.removeBackground',
      input,
      outputs: [{ ref: out, mediaType: 'image/png' }],
      options: { mode: 'cutout', trim: true },
    });
    const done = await stack.edits.waitFor(id, { timeout: 60_000 });
    expect(done.failure).toBeUndefined();
    expect(done.state).toBe('completed');
    expect(done.result?.outputs.map((o) => o.ref)).toEqual([out]);
    expect(done.result?.submits).toBe(1);
    expect(JSON.stringify(done.result)).not.toMatch(/https?:/);
    const png = await stack.get(out);
    expect(png.subarray(0, 4)).toEqual(PNG);
    expect(colourType(png)).toBe(6);
    const [job] = stack.emulator.jobs().filter((j) => j.operation === 'v2.removeBackground');
    expect(job).toMatchObject({ status: 'succeeded' });
    expect(job?.statusGets).toBeGreaterThanOrEqual(1);
  });

  it('a maskObjects edit writes the status reply, URL-free, to its JSON output', async () => {
    const input = `s3://${stack.inBucket}/${uniqueName('mo')}/input.jpg`;
    await stack.put(input, await stack.sample('input.jpg'));
    const out = `s3://${stack.outBucket}/${uniqueName('mo')}.json`;
    const { id } = await stack.edits.enqueue({
      operation: 'maskObjects',
      input,
      outputs: [{ ref: out }],
    });
    const done = await stack.edits.waitFor(id, { timeout: 60_000 });
    expect(done.failure).toBeUndefined();
    const text = (await stack.get(out)).toString();
    expect(text).not.toMatch(/https?:/);
    const reply = JSON.parse(text) as {
      status: string;
      semanticMasks: { label: string; boundingBox: { width: number } }[];
    };
    expect(reply.status).toBe('succeeded');
    expect(reply.semanticMasks[0]?.label).toBe('subject');
    expect(reply.semanticMasks[0]?.boundingBox.width).toBeGreaterThan(0);
  });
});
