import { initializeCanvas, writePsdBuffer, type Layer, type Psd } from 'ag-psd';
import sharp from 'sharp';

let agPsdReady = false;

function ensureAgPsd(): void {
  if (agPsdReady) return;
  // Node has no canvas: ag-psd works on plain ImageData objects when asked to.
  initializeCanvas(
    () => {
      throw new Error('no canvas in Node: Darkroom writes PSD pixels as ImageData');
    },
    (width: number, height: number) => ({
      width,
      height,
      data: new Uint8ClampedArray(width * height * 4),
      colorSpace: 'srgb',
    }),
  );
  agPsdReady = true;
}

type Rgba = [number, number, number, number];
/** ag-psd types pixels with the DOM's ImageData, which Node code cannot name. */
type PixelData = NonNullable<Layer['imageData']>;

/** An RGBA pixel buffer painted by a function of (x, y). */
function paint(
  width: number,
  height: number,
  colour: (x: number, y: number) => Rgba,
): Uint8ClampedArray {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = colour(x, y);
      const i = (y * width + x) * 4;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = a;
    }
  }
  return data;
}

function layer(
  name: string,
  left: number,
  top: number,
  width: number,
  height: number,
  colour: (x: number, y: number) => Rgba,
): Layer {
  return {
    name,
    left,
    top,
    right: left + width,
    bottom: top + height,
    imageData: {
      width,
      height,
      data: paint(width, height, colour),
      colorSpace: 'srgb',
    } as unknown as PixelData,
  };
}

/**
 * A layered poster made on the spot (Darkroom ships no image files): a gradient background, a sun
 * and a badge, each its own named layer, so layer edits and manifests have something to show.
 */
export function posterPsd(width = 1200, height = 800): Buffer {
  ensureAgPsd();
  const sky = layer('Background', 0, 0, width, height, (x, y) => [
    40 + (160 * y) / height,
    90 + (100 * x) / width,
    200,
    255,
  ]);
  const r = Math.round(height / 5);
  const sun = layer(
    'Sun',
    Math.round(width * 0.6),
    Math.round(height * 0.2),
    2 * r,
    2 * r,
    (x, y) => ((x - r) ** 2 + (y - r) ** 2 <= r * r ? [255, 200, 40, 255] : [0, 0, 0, 0]),
  );
  const badge = layer('Badge', 60, height - 220, 360, 140, (x, y) =>
    (x + y) % 40 < 20 ? [220, 30, 60, 255] : [250, 250, 250, 255],
  );
  const composite = paint(width, height, (x, y) => {
    const sunX = x - Math.round(width * 0.6) - r;
    const sunY = y - Math.round(height * 0.2) - r;
    if (x >= 60 && x < 420 && y >= height - 220 && y < height - 80) {
      return (x - 60 + y - (height - 220)) % 40 < 20 ? [220, 30, 60, 255] : [250, 250, 250, 255];
    }
    if (sunX * sunX + sunY * sunY <= r * r) return [255, 200, 40, 255];
    return [40 + (160 * y) / height, 90 + (100 * x) / width, 200, 255];
  });
  const psd: Psd = {
    width,
    height,
    channels: 3,
    bitsPerChannel: 8,
    colorMode: 3,
    children: [sky, sun, badge],
    imageData: { width, height, data: composite, colorSpace: 'srgb' } as unknown as PixelData,
  };
  return writePsdBuffer(psd, { generateThumbnail: false });
}

/** A "photo": soft gradients and a horizon, flat in tone so auto-tone has work to do. */
export async function landscapeJpeg(width = 1600, height = 1000): Promise<Buffer> {
  const pixels = Buffer.from(
    paint(width, height, (x, y) =>
      y < height * 0.55
        ? [100 + (50 * y) / height, 130 + (40 * y) / height, 170 + (30 * x) / width, 255]
        : [70 + (40 * x) / width, 95 + (30 * y) / height, 55 + (20 * x) / width, 255],
    ),
  );
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .jpeg({ quality: 88 })
    .toBuffer();
}

/** A product shot: one object on a plain white backdrop with wide margins, for cut-out and crop. */
export async function productPng(width = 1000, height = 1000): Promise<Buffer> {
  const pixels = Buffer.from(
    paint(width, height, (x, y) => {
      const inBody = x > 340 && x < 660 && y > 260 && y < 780;
      const inCap = (x - 500) ** 2 + (y - 250) ** 2 < 120 ** 2;
      if (inBody) return [30 + (x - 340) / 3, 120, 200, 255];
      if (inCap) return [230, 120, 40, 255];
      return [255, 255, 255, 255];
    }),
  );
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}
