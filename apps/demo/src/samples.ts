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

type Rgb = [number, number, number];

/** A colour between `a` (t = 0) and `b` (t = 1). */
const mix = (a: Rgb, b: Rgb, t: number): Rgb => {
  const k = Math.min(1, Math.max(0, t));
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
};

/** A soft round falloff: 1 at the centre, about 0 beyond `radius`. */
const glow = (dx: number, dy: number, radius: number): number =>
  Math.exp(-(dx * dx + dy * dy) / (radius * radius));

/** A fixed pseudo-random sequence (a 32-bit LCG), so every run draws the same grain. */
function grain(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

/**
 * A landscape in linear-ish tones from 0 to 1: a sky from deep blue to a pale horizon with a
 * low sun's glow and soft clouds, hazy far hills, a meadow in greens with a sandy path, and dark
 * soft trees, so the picture holds near-neutral shadows and highlights as a photo does.
 */
function landscapeTone(u: number, v: number, aspect: number): Rgb {
  const horizon = 0.52 + 0.03 * Math.sin(u * 5.1);
  if (v < horizon) {
    let sky = mix([0.2, 0.38, 0.72], [0.82, 0.86, 0.9], (v / horizon) ** 1.6);
    sky = mix(sky, [1, 0.94, 0.8], 0.8 * glow((u - 0.72) * aspect, v - 0.22, 0.16));
    const cloud =
      glow((u - 0.22) * aspect * 0.5, (v - 0.16) * 2.2, 0.12) +
      glow((u - 0.4) * aspect * 0.5, (v - 0.11) * 2.4, 0.09);
    sky = mix(sky, [0.96, 0.96, 0.97], 0.75 * Math.min(1, cloud));
    const ridge = horizon - 0.1 - 0.05 * Math.sin(u * 7.3 + 1) - 0.03 * Math.sin(u * 17.9);
    if (v > ridge) {
      const haze = mix([0.36, 0.44, 0.52], [0.62, 0.68, 0.74], (horizon - v) / 0.15);
      return mix(sky, haze, Math.min(1, (v - ridge) * 60));
    }
    return sky;
  }
  const depth = (v - horizon) / (1 - horizon);
  let ground = mix([0.46, 0.55, 0.3], [0.16, 0.3, 0.1], depth ** 0.8);
  ground = mix(ground, [0.34, 0.44, 0.16], 0.5 + 0.5 * Math.sin(u * 9 + v * 14));
  const pathCentre = 0.45 + 0.25 * depth * Math.sin(depth * 3);
  const pathHalf = 0.01 + 0.09 * depth;
  ground = mix(ground, [0.7, 0.6, 0.43], glow((u - pathCentre) / pathHalf, 0, 1) * 0.85);
  const trees =
    glow((u - 0.12) * aspect, (v - horizon - 0.05) * 1.2, 0.07) +
    glow((u - 0.86) * aspect, (v - horizon - 0.1) * 1.1, 0.1) +
    glow((u - 0.93) * aspect, (v - horizon - 0.03) * 1.3, 0.06);
  return mix(ground, [0.05, 0.08, 0.05], Math.min(1, trees * 1.3));
}

/**
 * A "photo" for auto tone: the landscape of {@link landscapeTone}, slightly under-exposed and flat
 * (tones squeezed into 40–180 of 255, as a hazy shot straight from the camera), with a fine
 * grain so the JPEG has no flat areas for auto tone's stretch to turn into blocks.
 */
export async function landscapeJpeg(width = 1600, height = 1000): Promise<Buffer> {
  const noise = grain(20_240_601);
  const flat = (t: number): number => 255 * (0.16 + 0.55 * t ** 1.15) + 5 * noise();
  const pixels = Buffer.from(
    paint(width, height, (x, y) => {
      const [r, g, b] = landscapeTone(x / width, y / height, width / height);
      return [flat(r), flat(g), flat(b), 255];
    }),
  );
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .removeAlpha()
    .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
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
