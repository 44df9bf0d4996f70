import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { runMainJob, startLocalStack, type EditOutcome, type LocalStack } from '../src';
import { retirementOf } from '@darkroom/photoshop';
import { mainJobEdits, uploadSamples } from '../src/main-job';

guardAgainstLeaks();

describe('the main job on the local stack', () => {
  let dir: string;
  let stack: LocalStack;
  let outcomes: EditOutcome[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'darkroom-demo-'));
    stack = await startLocalStack(
      { REDIS_URL: redisUrl(), DARKROOM_QUEUE: uniqueName('demo'), LOG_LEVEL: 'silent' },
      join(dir, 'data'),
    );
    await uploadSamples(stack.storage, stack.at);
    outcomes = await runMainJob({
      edits: stack.edits,
      storage: stack.storage,
      at: stack.at,
      outDir: join(dir, 'out'),
      timeoutMs: 60_000,
    });
  });
  afterAll(async () => {
    await stack.edits.queue.obliterate({ force: true });
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs on Adobe's current API only: no edit uses a retired one", () => {
    const edits = mainJobEdits(stack.at);
    expect(edits).toHaveLength(outcomes.length);
    expect(edits.filter((e) => retirementOf(e.job.operation) !== undefined)).toEqual([]);
  });

  it('completes every edit and copies every output to the output folder', () => {
    expect(outcomes.map((o) => [o.label, o.status.state, o.status.failure?.message])).toEqual(
      outcomes.map((o) => [o.label, 'completed', undefined]),
    );
    expect(outcomes.flatMap((o) => o.files)).toHaveLength(9);
  });

  it('writes real images in the asked formats and sizes', async () => {
    const file = (name: string) =>
      outcomes.flatMap((o) => o.files).find((f) => f.path.endsWith(name))!.path;
    const jpeg = await sharp(file('poster-1200.jpg')).metadata();
    expect([jpeg.format, jpeg.width, jpeg.height]).toEqual(['jpeg', 1200, 800]);
    const png = await sharp(file('poster-600.png')).metadata();
    expect([png.format, png.width]).toEqual(['png', 600]);
    const tiff = await sharp(file('poster-300.tif')).metadata();
    expect([tiff.format, tiff.width]).toEqual(['tiff', 300]);
    const cutout = await sharp(file('product-cutout.png')).metadata();
    expect(cutout.hasAlpha).toBe(true);
    const onWhite = await sharp(file('product-on-white.jpg')).metadata();
    expect(onWhite.format).toBe('jpeg');
    expect(onWhite.width).toBeLessThan(1000);
    expect((await readFile(file('poster-no-badge.psd'))).toString('latin1', 0, 4)).toBe('8BPS');
  });

  it('the layer edit shows: the badge is gone from the edited rendition', async () => {
    const file = (name: string) =>
      outcomes.flatMap((o) => o.files).find((f) => f.path.endsWith(name))!.path;
    // The badge is red and white stripes over (60..420, 580..720) of the 1200×800 poster; the sky
    // there is blue. Compare the mean colour of the middle of that area before and after.
    const meanRgb = async (path: string, width: number) => {
      const k = width / 1200;
      const region = {
        left: Math.round(100 * k),
        top: Math.round(610 * k),
        width: Math.round(280 * k),
        height: Math.round(80 * k),
      };
      const { data, info } = await sharp(path)
        .extract(region)
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const sums = [0, 0, 0];
      for (let i = 0; i < data.length; i += info.channels)
        for (let c = 0; c < 3; c++) sums[c]! += data[i + c]!;
      return sums.map((sum) => sum / (info.width * info.height));
    };
    const [r0, , b0] = await meanRgb(file('poster-1200.jpg'), 1200);
    const [r1, , b1] = await meanRgb(file('poster-no-badge.jpg'), 800);
    expect(r0! - b0!).toBeGreaterThan(40);
    expect(b1! - r1!).toBeGreaterThan(10);
  });

  it('writes a manifest that names the poster layers, without URLs', async () => {
    const manifest = outcomes
      .flatMap((o) => o.files)
      .find((f) => f.path.endsWith('poster-manifest.json'))!;
    const text = await readFile(manifest.path, 'utf8');
    expect(text).not.toMatch(/https?:/);
    const doc = JSON.parse(text) as { layers: { name: string }[] };
    expect(doc.layers.map((l) => l.name).sort()).toEqual(['Background', 'Badge', 'Sun']);
  });
});
