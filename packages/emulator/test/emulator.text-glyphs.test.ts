/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import sharp from 'sharp';
import { HEADLINE, headlinePsd, readPsdLayers } from './support/fixtures';
import { type Harness, startHarness, statusLink, terminalStatus } from './support/harness';

guardAgainstLeaks();

interface Ink {
  /** Bounding box of the pixels in the text's fill colour; undefined when there are none. */
  box?: { left: number; top: number; right: number; bottom: number };
  /** Pixels still in the colour of the original text's stand-in pixels. */
  standIn: number;
  raw: Buffer;
}

async function inkOf(png: Buffer | undefined): Promise<Ink> {
  if (!png) throw new Error('no output');
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const is = (o: number, rgb: readonly number[]) =>
    data[o] === rgb[0] && data[o + 1] === rgb[1] && data[o + 2] === rgb[2];
  let box: Ink['box'];
  let standIn = 0;
  for (let y = 0; y < info.height; y += 1) {
    for (let x = 0; x < info.width; x += 1) {
      const o = (y * info.width + x) * 4;
      if (is(o, HEADLINE.standIn)) standIn += 1;
      if (!is(o, HEADLINE.fill)) continue;
      box = box ?? { left: x, top: y, right: x + 1, bottom: y + 1 };
      box.left = Math.min(box.left, x);
      box.top = Math.min(box.top, y);
      box.right = Math.max(box.right, x + 1);
      box.bottom = Math.max(box.bottom, y + 1);
    }
  }
  return { box, standIn, raw: data };
}

describe('an edited text layer is redrawn, so renditions show the new text', () => {
  let h: Harness;
  const input = () => `${h.files.url}/in/headline.psd`;
  const outUrl = (name: string) => `${h.files.url}/out/${name}`;

  beforeAll(async () => {
    h = await startHarness();
    h.files.put('/in/headline.psd', headlinePsd());
  });
  afterAll(() => h.close());

  async function succeeded(path: string, body: unknown): Promise<void> {
    const submitted = await h.post(path, body);
    expect(submitted.status).toBe(202);
    const done = await h.waitDone(statusLink(submitted));
    expect([terminalStatus(done.body), done.body.outputs?.[0]?.errors]).toEqual([
      'succeeded',
      undefined,
    ]);
  }

  /** The banner recipe's call: a v2 composite with the headline replaced, as PNG. */
  async function headline(text: string, name: string): Promise<Ink> {
    await succeeded('/v2/create-composite', {
      image: { source: { url: input() } },
      edits: {
        layers: [{ name: 'Headline', operation: { type: 'edit' }, text: { content: text } }],
      },
      outputs: [{ destination: { url: outUrl(name) }, mediaType: 'image/png' }],
    });
    return inkOf(h.files.get(`/out/${name}`)?.bytes);
  }

  const v1Text = (name: string) => ({
    inputs: [{ href: input(), storage: 'external' }],
    options: { layers: [{ name: 'Headline', text: { content: 'Summer sale' } }] },
    outputs: [{ href: outUrl(name), storage: 'external', type: 'image/png' }],
  });
  const v1DocumentOperations = (name: string) => ({
    inputs: [{ href: input(), storage: 'external' }],
    options: { layers: [{ name: 'Headline', edit: {}, text: { content: 'Summer sale' } }] },
    outputs: [{ href: outUrl(name), storage: 'external', type: 'image/png' }],
  });
  const v2Composite = (name: string) => ({
    image: { source: { url: input() } },
    edits: {
      layers: [{ name: 'Headline', operation: { type: 'edit' }, text: { content: 'Summer sale' } }],
    },
    outputs: [{ destination: { url: outUrl(name) }, mediaType: 'image/png' }],
  });

  it.each([
    ['/pie/psdService/text', v1Text],
    ['/pie/psdService/documentOperations', v1DocumentOperations],
    ['/v2/create-composite', v2Composite],
  ])('%s: the rendition has ink of the fill colour in the new text’s box', async (path, body) => {
    const name = `${path.split('/').pop() ?? 'x'}.png`;
    await succeeded(path, body(name));
    const ink = await inkOf(h.files.get(`/out/${name}`)?.bytes);
    const { x, baseline, fontSize } = HEADLINE;
    // The line starts where the old text did, its capitals 0.7 × the size tall on the
    // baseline; "Summer sale" has no descenders, so no ink goes below it.
    expect(ink.box).toBeDefined();
    expect(Math.abs((ink.box?.left ?? 0) - x)).toBeLessThanOrEqual(1);
    expect(Math.abs((ink.box?.top ?? 0) - (baseline - 0.7 * fontSize))).toBeLessThanOrEqual(1);
    expect(ink.box?.bottom).toBe(baseline);
    expect(ink.box?.right).toBeLessThan(x + 'Summer sale'.length * fontSize);
    // The old text's pixels are gone.
    expect(ink.standIn).toBe(0);
  });

  it('two different headlines give different renditions', async () => {
    const en = await headline('Summer sale', 'en.png');
    const fr = await headline('Soldes d’été', 'fr.png');
    expect(en.box && fr.box).toBeDefined();
    expect(en.raw.equals(fr.raw)).toBe(false);
  });

  it('the inked area grows with the length of the text', async () => {
    const short = await headline('Sale', 'short.png');
    const long = await headline('Sommerschlussverkauf', 'long.png');
    const width = (ink: Ink) => (ink.box?.right ?? 0) - (ink.box?.left ?? 0);
    expect(width(short)).toBeGreaterThan(0);
    expect(width(long)).toBeGreaterThan(width(short) * 3);
  });

  it('a character outside the font does not fail the job and still draws (a box)', async () => {
    const snowman = await headline('☃', 'snowman.png');
    expect(snowman.box).toBeDefined();
    expect(snowman.standIn).toBe(0);
  });

  it('the written PSD has the new text and pixels matching the layer bounds', async () => {
    await succeeded('/v2/create-composite', {
      image: { source: { url: input() } },
      edits: {
        layers: [{ name: 'Headline', operation: { type: 'edit' }, text: { content: 'Big' } }],
      },
      outputs: [
        { destination: { url: outUrl('big.psd') }, mediaType: 'image/vnd.adobe.photoshop' },
      ],
    });
    const psd = readPsdLayers(h.files.get('/out/big.psd')?.bytes ?? Buffer.alloc(0));
    const layer = psd.children?.find((l) => l.name === 'Headline');
    expect(layer?.text?.text).toBe('Big');
    const { left = 0, top = 0, right = 0, bottom = 0 } = layer ?? {};
    expect([layer?.imageData?.width, layer?.imageData?.height]).toEqual([
      right - left,
      bottom - top,
    ]);
    expect(left).toBe(HEADLINE.x);
    // Narrower than the 150-pixel stand-in of "Your headline".
    expect(right - left).toBeLessThan(150);
    expect(bottom).toBeGreaterThan(HEADLINE.baseline);
  });
});
