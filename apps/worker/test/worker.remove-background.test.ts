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

  it('a maskObjects edit copies the masks Adobe hosts beside its JSON output and names them there', async () => {
    const input = `s3://${stack.inBucket}/${uniqueName('mo')}/input.jpg`;
    await stack.put(input, await stack.sample('input.jpg'));
    const dir = `s3://${stack.outBucket}/${uniqueName('mo')}`;
    const out = `${dir}/shoe.json`;
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
      semanticMasks: {
        label: string;
        boundingBox: { width: number };
        destination: { ref: string };
      }[];
      backgroundMasks: { destination: { ref: string } }[];
    };
    expect(reply.status).toBe('succeeded');
    const subject = reply.semanticMasks[0];
    expect(subject?.label).toBe('subject');
    expect(subject?.boundingBox.width).toBeGreaterThan(0);
    expect(subject?.destination.ref).toBe(`${dir}/shoe.semanticMasks-0.png`);
    expect(reply.backgroundMasks[0]?.destination.ref).toBe(`${dir}/shoe.backgroundMasks-0.png`);
    expect(done.result?.outputs.map((o) => o.ref)).toEqual([
      out,
      `${dir}/shoe.semanticMasks-0.png`,
      `${dir}/shoe.backgroundMasks-0.png`,
    ]);
    const mask = await stack.get(`${dir}/shoe.semanticMasks-0.png`);
    expect(mask.subarray(0, 4)).toEqual(PNG);
    expect(done.result?.outputs[1]?.size).toBe(mask.length);
    const [job] = stack.emulator.jobs().filter((j) => j.operation === 'maskObjects');
    expect(job).toMatchObject({ status: 'succeeded' });
  });

  it('a v2.autoCrop edit copies its cropped images beside its JSON output', async () => {
    const input = `s3://${stack.inBucket}/${uniqueName('ac')}/input.jpg`;
    await stack.put(input, await stack.sample('input.jpg'));
    const dir = `s3://${stack.outBucket}/${uniqueName('ac')}`;
    const { id } = await stack.edits.enqueue({
      operation: 'v2.autoCrop',
      input,
      outputs: [{ ref: `${dir}/crop.json` }],
      options: { mode: 'smartCrop', aspectRatio: ['1:1'] },
    });
    const done = await stack.edits.waitFor(id, { timeout: 60_000 });
    expect(done.failure).toBeUndefined();
    const refs = done.result?.outputs.map((o) => o.ref) ?? [];
    expect(refs).toEqual(
      expect.arrayContaining([`${dir}/crop.json`, `${dir}/crop.crops-0-boundingBoxes-0.jpg`]),
    );
    const text = (await stack.get(`${dir}/crop.json`)).toString();
    expect(text).not.toMatch(/https?:/);
    const crop = await stack.get(`${dir}/crop.crops-0-boundingBoxes-0.jpg`);
    expect(crop.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });
});
