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

/** A 20×20 white PSD with a text layer "Title" reading "Hello" (a black box stands in for its glyphs). */
export function textLayerPsd(): Buffer {
  const white = (w: number, h: number) => solid(w, h, [255, 255, 255, 255]);
  const composite = white(20, 20);
  for (let y = 2; y < 10; y += 1)
    for (let x = 2; x < 18; x += 1) composite.data.set([0, 0, 0, 255], (y * 20 + x) * 4);
  return writePsdBuffer(
    {
      width: 20,
      height: 20,
      imageData: composite,
      children: [
        {
          id: 1,
          name: 'Background',
          top: 0,
          left: 0,
          right: 20,
          bottom: 20,
          imageData: white(20, 20),
        },
        {
          id: 2,
          name: 'Title',
          top: 2,
          left: 2,
          right: 18,
          bottom: 10,
          imageData: solid(16, 8, [0, 0, 0, 255]),
          text: {
            text: 'Hello',
            transform: [1, 0, 0, 1, 2, 8],
            style: { font: { name: 'ArialMT' }, fontSize: 8 },
          },
        },
      ],
    },
    { generateThumbnail: false },
  );
}
