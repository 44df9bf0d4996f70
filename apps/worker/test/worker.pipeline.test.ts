import { guardAgainstLeaks, uniqueName } from '@darkroom/testing';
import { startStack, type Stack } from './support/stack';

guardAgainstLeaks();

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('the pipeline end to end (S3, emulator, real Redis)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('renders a Photoshop-made PSD to JPEG and PNG and completes with a URL-free result', async () => {
    const input = `s3://${stack.inBucket}/${uniqueName('psd')}/Sunflower.psd`;
    await stack.put(input, await stack.sample('Sunflower.psd'));
    const jpg = `s3://${stack.outBucket}/${uniqueName('out')}/sunflower.jpg`;
    const png = `s3://${stack.outBucket}/${uniqueName('out')}/sunflower.png`;
    const { id } = await stack.edits.enqueue({
      operation: 'renditionCreate',
      input,
      outputs: [
        { ref: jpg, type: 'image/jpeg', width: 256, quality: 6 },
        { ref: png, type: 'image/png', width: 128 },
      ],
    });
    const done = await stack.edits.waitFor(id, { timeout: 60_000 });
    expect(done.failure).toBeUndefined();
    expect(done.state).toBe('completed');
    expect(done.result?.outputs.map((o) => o.ref)).toEqual([jpg, png]);
    expect(done.result?.polls).toBeGreaterThanOrEqual(1);
    expect(done.result?.submits).toBe(1);
    expect(JSON.stringify(done.result)).not.toMatch(/https?:/);
    expect((await stack.get(jpg)).subarray(0, 3)).toEqual(JPEG);
    expect((await stack.get(png)).subarray(0, 4)).toEqual(PNG);
    expect(
      stack.emulator.stats().submitsByLocation[jpg.replace('s3://', `${stack.s3.endpoint}/`)],
    ).toBe(1);
  });

  it('writes the manifest of a PSD as JSON, with no URLs in it', async () => {
    const input = `s3://${stack.inBucket}/${uniqueName('psd')}/Sunflower.psd`;
    await stack.put(input, await stack.sample('Sunflower.psd'));
    const out = `s3://${stack.outBucket}/${uniqueName('manifest')}.json`;
    const { id } = await stack.edits.enqueue({
      operation: 'documentManifest',
      input,
      outputs: [{ ref: out }],
    });
    const done = await stack.edits.waitFor(id, { timeout: 60_000 });
    expect(done.failure).toBeUndefined();
    const text = (await stack.get(out)).toString();
    expect(text).not.toMatch(/https?:/);
    const manifest = JSON.parse(text) as {
      document: { width: number; height: number };
      layers: unknown[];
    };
    expect(manifest.document.width).toBeGreaterThan(0);
    expect(manifest.layers.length).toBeGreaterThan(0);
  });

  it("fails a job whose input is missing with Adobe's reason, without retrying it", async () => {
    const input = `s3://${stack.inBucket}/${uniqueName('missing')}.psd`;
    const { id } = await stack.edits.enqueue({
      operation: 'renditionCreate',
      input,
      outputs: [{ ref: `s3://${stack.outBucket}/${uniqueName('x')}.jpg`, type: 'image/jpeg' }],
    });
    const done = await stack.edits.waitFor(id, { timeout: 60_000 });
    expect(done.state).toBe('failed');
    expect(done.failure?.reason).toBe('remote_failed');
    expect(done.attemptsMade).toBeLessThanOrEqual(1);
  });
});
