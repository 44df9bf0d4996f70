import { initializeCanvas, readPsd, writePsdBuffer, type BlendMode, type Psd } from 'ag-psd';
import sharp from 'sharp';

initializeCanvas(
  () => {
    throw new Error('no canvas in tests');
  },
  ((width: number, height: number) => ({
    width,
    height,
    data: new Uint8ClampedArray(width * height * 4),
  })) as never,
);

function solid(width: number, height: number, rgba: [number, number, number, number]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { width, height, data };
}

/**
 * A 40×40 PSD with two layers: "Red" filling the canvas (bottom) and "Blue" covering
 * (10,10)–(30,30) on top; the stored composite matches.
 */
export function twoLayerPsd(
  options: { blueMode?: BlendMode; blueMaskLeftHalf?: boolean } = {},
): Buffer {
  const composite = solid(40, 40, [255, 0, 0, 255]);
  for (let y = 10; y < 30; y += 1)
    for (let x = 10; x < 30; x += 1) composite.data.set([0, 0, 255, 255], (y * 40 + x) * 4);
  const psd: Psd = {
    width: 40,
    height: 40,
    imageData: composite,
    children: [
      {
        id: 1,
        name: 'Red',
        top: 0,
        left: 0,
        right: 40,
        bottom: 40,
        imageData: solid(40, 40, [255, 0, 0, 255]),
      },
      {
        id: 2,
        name: 'Blue',
        top: 10,
        left: 10,
        right: 30,
        bottom: 30,
        imageData: solid(20, 20, [0, 0, 255, 255]),
        ...(options.blueMode ? { blendMode: options.blueMode } : {}),
        // A mask that shows the left half of the layer (x 10–19) and hides the rest.
        ...(options.blueMaskLeftHalf
          ? {
              mask: {
                top: 10,
                left: 10,
                right: 20,
                bottom: 30,
                defaultColor: 0,
                imageData: solid(10, 20, [255, 255, 255, 255]),
              },
            }
          : {}),
      },
    ],
  };
  return writePsdBuffer(psd, { generateThumbnail: false });
}

export function readPsdLayers(bytes: Buffer): Psd {
  return readPsd(bytes, { useImageData: true, skipThumbnail: true });
}

export function solidPng(
  width: number,
  height: number,
  rgb: [number, number, number],
): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } },
  })
    .png()
    .toBuffer();
}

/** RGBA of one pixel of an encoded image. */
export async function pixel(bytes: Buffer | undefined, x: number, y: number): Promise<number[]> {
  if (!bytes) throw new Error('no image');
  const { data, info } = await sharp(bytes)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const o = (y * info.width + x) * 4;
  return [data[o] ?? -1, data[o + 1] ?? -1, data[o + 2] ?? -1, data[o + 3] ?? -1];
}

/** A white canvas with one text layer over a background, its glyphs stood in for by a box. */
interface TextPsdSpec {
  width: number;
  height: number;
  name: string;
  text: string;
  /** The stand-in box: where the glyphs are, and its colour. */
  box: { left: number; top: number; right: number; bottom: number; rgb: readonly number[] };
  /** The text's origin: left end of its baseline. */
  origin: [number, number];
  style: Record<string, unknown>;
}

/** A PSD of `spec`, whose stored composite shows the stand-in box on white. */
function textPsd(spec: TextPsdSpec): Buffer {
  const { width, height, box } = spec;
  const white = (w: number, h: number) => solid(w, h, [255, 255, 255, 255]);
  const ink: [number, number, number, number] = [box.rgb[0]!, box.rgb[1]!, box.rgb[2]!, 255];
  const composite = white(width, height);
  for (let y = box.top; y < box.bottom; y += 1)
    for (let x = box.left; x < box.right; x += 1) composite.data.set(ink, (y * width + x) * 4);
  return writePsdBuffer(
    {
      width,
      height,
      imageData: composite,
      children: [
        {
          id: 1,
          name: 'Background',
          top: 0,
          left: 0,
          right: width,
          bottom: height,
          imageData: white(width, height),
        },
        {
          id: 2,
          name: spec.name,
          ...box,
          imageData: solid(box.right - box.left, box.bottom - box.top, ink),
          text: {
            text: spec.text,
            transform: [1, 0, 0, 1, ...spec.origin],
            style: { font: { name: 'ArialMT' }, ...spec.style },
          },
        },
      ],
    },
    { generateThumbnail: false },
  );
}

/** A 20×20 white PSD with a text layer "Title" reading "Hello" (a black box stands in for its glyphs). */
export function textLayerPsd(): Buffer {
  return textPsd({
    width: 20,
    height: 20,
    name: 'Title',
    text: 'Hello',
    box: { left: 2, top: 2, right: 18, bottom: 10, rgb: [0, 0, 0] },
    origin: [2, 8],
    style: { fontSize: 8 },
  });
}

/** The canvas, text and stand-in pixels of `headlinePsd()`. */
export const HEADLINE = Object.freeze({
  width: 320,
  height: 48,
  /** The text's origin: left end of its baseline. */
  x: 10,
  baseline: 30,
  fontSize: 20,
  fill: Object.freeze([200, 30, 40] as const),
  /** Colour of the stand-in pixels of the original text, so a test can tell them from new ink. */
  standIn: Object.freeze([0, 160, 0] as const),
});

/**
 * A white PSD with a text layer "Headline" reading "Your headline" in red at 20 px, its baseline
 * at y = 30 from x = 10; a green box (not red, so tests can tell old pixels from redrawn ones)
 * stands in for its glyphs, as ag-psd draws no text.
 */
export function headlinePsd(): Buffer {
  const { width, height, x, baseline, fontSize, fill, standIn } = HEADLINE;
  return textPsd({
    width,
    height,
    name: 'Headline',
    text: 'Your headline',
    box: { left: x, top: baseline - 14, right: x + 150, bottom: baseline, rgb: standIn },
    origin: [x, baseline],
    style: { fontSize, fillColor: { r: fill[0], g: fill[1], b: fill[2] } },
  });
}
