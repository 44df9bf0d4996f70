import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import {
  DEMO_HEADLINES,
  DEMO_PRODUCTS,
  PRODUCT_CARD,
  recipeInputs,
  runMainJob,
  runMainJobRecipes,
  startLocalStack,
  type EditOutcome,
  type LocalStack,
  type RunOutcome,
} from '../src';
import { retirementOf } from '@darkroom/photoshop';
import { mainJobEdits, uploadSamples } from '../src/main-job';

guardAgainstLeaks();

describe('the main job on the local stack', () => {
  let dir: string;
  let stack: LocalStack;
  let outcomes: EditOutcome[];
  let runs: RunOutcome[];
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
    runs = await runMainJobRecipes({
      edits: stack.edits,
      storage: stack.storage,
      at: stack.at,
      outDir: join(dir, 'out'),
      timeoutMs: 60_000,
    });
  });
  afterAll(async () => {
    await stack.edits.runs().queue.obliterate({ force: true });
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
      return meanColour(path, region);
    };
    const [r0, , b0] = await meanRgb(file('poster-1200.jpg'), 1200);
    const [r1, , b1] = await meanRgb(file('poster-no-badge.jpg'), 800);
    expect(r0! - b0!).toBeGreaterThan(40);
    expect(b1! - r1!).toBeGreaterThan(10);
  });

  it('auto tone turns the flat, dark photo into a brighter, contrasty one that still looks like it', async () => {
    const autoTone = outcomes
      .flatMap((o) => o.files)
      .find((f) => f.path.endsWith('landscape-autotone.jpg'))!.path;
    const before = await toneStats(
      await stack.storage.download(`${stack.at.inputs}/landscape.jpg`),
    );
    const after = await toneStats(await readFile(autoTone));
    // The input is flat and under-exposed: auto tone has work to do.
    expect(before.spread).toBeLessThan(120);
    expect(before.mean).toBeLessThan(115);
    // It spreads the tones and lifts them, without crushing a channel or blowing it out.
    expect(after.spread).toBeGreaterThan(before.spread * 1.6);
    expect(after.deviation).toBeGreaterThan(before.deviation * 1.6);
    expect(after.mean).toBeGreaterThan(before.mean);
    expect(after.mean).toBeGreaterThan(90);
    expect(after.mean).toBeLessThan(170);
    for (const c of [0, 1, 2]) {
      expect(after.black[c]).toBeLessThan(0.03);
      expect(after.white[c]).toBeLessThan(0.03);
    }
    // A blue sky over a green meadow, before and after: the colours of a photo, not a cast.
    for (const s of [before, after]) {
      const [skyR, , skyB] = s.top;
      const [groundR, groundG, groundB] = s.bottom;
      expect(skyB! - skyR!).toBeGreaterThan(15);
      expect(groundG! - groundR!).toBeGreaterThan(5);
      expect(groundG! - groundB!).toBeGreaterThan(20);
    }
  });

  it('completes every recipe run and copies its outputs into folders of their own', () => {
    expect(runs.map((r) => [r.label, r.status.state, r.timedOut, r.status.failure])).toEqual(
      runs.map((r) => [r.label, 'completed', false, undefined]),
    );
    const local = runs.flatMap((r) => r.files.map((f) => f.path.slice(join(dir, 'out').length)));
    expect(local.sort()).toEqual(
      [
        ...DEMO_PRODUCTS.flatMap(({ sku }) =>
          ['card.jpg', 'card.png', 'card-thumb.jpg'].map((f) => `/products/${sku}/${f}`),
        ),
        ...DEMO_HEADLINES.flatMap(({ locale }) =>
          ['banner.png', 'banner-600.png'].map((f) => `/banners/${locale}/${f}`),
        ),
      ].sort(),
    );
  });

  it('places each cut-out product into the card: its colours where the placeholder was', async () => {
    const { product: box, placeholder } = PRODUCT_CARD;
    // The middle of the Product layer's box on the card, and the same place on the photo, which
    // the card step resized to the box; the product covers both, with no backdrop.
    const onCard = { left: box.left + 260, top: box.top + 260, width: 80, height: 80 };
    const scale = 1000 / box.width;
    const onPhoto = {
      left: Math.round((onCard.left - box.left) * scale),
      top: Math.round((onCard.top - box.top) * scale),
      width: Math.round(onCard.width * scale),
      height: Math.round(onCard.height * scale),
    };
    const cards: number[][] = [];
    for (const { sku } of DEMO_PRODUCTS) {
      const files = runs.find((r) => r.status.params.sku === sku)!.files;
      const file = (name: string) => files.find((f) => f.path.endsWith(`/${name}`))!.path;
      const jpeg = await sharp(file('card.jpg')).metadata();
      expect([jpeg.format, jpeg.width, jpeg.height]).toEqual(['jpeg', 1200, 1200]);
      const png = await sharp(file('card.png')).metadata();
      expect([png.format, png.width]).toEqual(['png', 1200]);
      const thumb = await sharp(file('card-thumb.jpg')).metadata();
      expect([thumb.format, thumb.width]).toEqual(['jpeg', 400]);

      const card = await meanColour(await readFile(file('card.jpg')), onCard);
      const photo = await meanColour(
        await stack.storage.download(recipeInputs(stack.at).productPhoto(sku)),
        onPhoto,
      );
      expect(distance(card, [...placeholder])).toBeGreaterThan(80);
      expect(distance(card, photo)).toBeLessThan(20);
      cards.push(card);
    }
    // Two products, two cards that look different.
    expect(distance(cards[0]!, cards[1]!)).toBeGreaterThan(80);
  });

  /** How wide the navy headline's ink is in a banner: from its first to its last inked column. */
  async function headlineInkWidth(file: string): Promise<number> {
    const { data, info } = await sharp(file)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    let first = info.width;
    let last = -1;
    // The headline's band (the template's Headline layer: 72 px text from y = 70), in navy.
    for (let y = 70; y < 150; y++) {
      for (let x = 0; x < info.width; x++) {
        const i = (y * info.width + x) * 3;
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        if (Math.abs(r - 20) + Math.abs(g - 40) + Math.abs(b - 80) < 30) {
          first = Math.min(first, x);
          last = Math.max(last, x);
        }
      }
    }
    return last - first + 1;
  }

  it('renders a banner per locale, each from its own headline', async () => {
    const widths = new Map<string, number>();
    for (const { locale, headline } of DEMO_HEADLINES) {
      const run = runs.find((r) => r.status.params.locale === locale)!;
      const file = (name: string) => run.files.find((f) => f.path.endsWith(`/${name}`))!.path;
      const full = await sharp(file('banner.png')).metadata();
      expect([full.format, full.width, full.height]).toEqual(['png', 1200, 400]);
      const small = await sharp(file('banner-600.png')).metadata();
      expect([small.format, small.width]).toEqual(['png', 600]);
      const step = run.status.steps[0]!;
      const job = await stack.edits.queue.getJob(step.editId);
      expect(job?.data.request.options).toMatchObject({
        edits: { layers: [{ name: 'Headline', text: { content: headline } }] },
      });
      widths.set(headline, await headlineInkWidth(file('banner.png')));
    }
    // Each banner draws its own headline (the emulator redraws an edited text layer), so the
    // longer the headline, the wider its ink.
    const byLength = [...widths].sort(([a], [b]) => a.length - b.length).map(([, w]) => w);
    expect(byLength[0]).toBeGreaterThan(100);
    for (let i = 1; i < byLength.length; i++) {
      expect(byLength[i]).toBeGreaterThan(byLength[i - 1]!);
    }
  });

  it("leaves nothing in the runs' scratch folders, where the cut-outs were written", async () => {
    const listed = async (folder: string): Promise<string[]> => {
      const refs: string[] = [];
      for await (const ref of stack.storage.list(folder)) refs.push(ref);
      return refs;
    };
    for (const run of runs) {
      const folder = `${stack.scratch}${run.id}/`;
      for (const step of run.status.steps.filter((s) => s.name === 'cutout')) {
        const cutout = (await stack.edits.get(step.editId))?.result?.outputs[0]?.ref;
        expect(cutout?.startsWith(folder)).toBe(true);
        expect((await stack.storage.stat(cutout!)).exists).toBe(false);
      }
      expect(await listed(folder)).toEqual([]);
    }
    expect(await listed(stack.scratch)).toEqual([]);
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

/** The mean colour of a region of an image (its bytes, or its path). */
async function meanColour(
  image: Buffer | string,
  region: { left: number; top: number; width: number; height: number },
): Promise<number[]> {
  const { data, info } = await sharp(image)
    .extract(region)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sums = [0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels)
    for (let c = 0; c < 3; c++) sums[c]! += data[i + c]!;
  return sums.map((sum) => sum / (info.width * info.height));
}

/** How far apart two colours are (Euclidean, in 0–255 RGB). */
const distance = (a: number[], b: number[]): number =>
  Math.hypot(...a.map((v, i) => v - (b[i] ?? 0)));

/**
 * Tone figures of an image: mean and standard deviation of luma, the spread between its 1st and
 * 99th percentiles, the share of pixels at 0 and at 255 per channel, and the mean colour of its
 * top and bottom fifths (sky and meadow in the landscape).
 */
async function toneStats(image: Buffer) {
  const { data, info } = await sharp(image)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = info.width * info.height;
  const band = Math.floor(info.height / 5) * info.width;
  const histogram = new Array<number>(256).fill(0);
  const black = [0, 0, 0];
  const white = [0, 0, 0];
  const top = [0, 0, 0];
  const bottom = [0, 0, 0];
  let sum = 0;
  let squares = 0;
  for (let p = 0; p < pixels; p += 1) {
    const i = p * info.channels;
    const luma = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
    sum += luma;
    squares += luma * luma;
    histogram[Math.round(luma)]! += 1;
    for (let c = 0; c < 3; c += 1) {
      const v = data[i + c]!;
      if (v === 0) black[c]! += 1 / pixels;
      if (v === 255) white[c]! += 1 / pixels;
      if (p < band) top[c]! += v / band;
      else if (p >= pixels - band) bottom[c]! += v / band;
    }
  }
  const percentile = (q: number): number => {
    let seen = 0;
    for (let v = 0; v < 256; v += 1) {
      seen += histogram[v]!;
      if (seen >= q * pixels) return v;
    }
    return 255;
  };
  const mean = sum / pixels;
  const deviation = Math.sqrt(squares / pixels - mean * mean);
  return {
    mean,
    deviation,
    spread: percentile(0.99) - percentile(0.01),
    black,
    white,
    top,
    bottom,
  };
}
