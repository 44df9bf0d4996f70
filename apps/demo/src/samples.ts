import { writePsdBuffer, type Layer, type PixelData, type Psd } from 'ag-psd';
import sharp from 'sharp';
import { localisedBannerRecipe, productCutoutRecipe } from '@darkroom/jobs';
import {
  ensureAgPsd,
  flatten,
  layer,
  paint,
  pixelData,
  textLayer,
  type Rgb,
  type Rgba,
} from './drawing';

/**
 * An 8-bit RGB PSD of `layers`, bottom first, whose stored composite is `composite` (by default
 * the layers flattened).
 */
function layeredPsd(
  width: number,
  height: number,
  layers: Layer[],
  composite: PixelData = flatten(width, height, layers),
): Buffer {
  const psd: Psd = {
    width,
    height,
    channels: 3,
    bitsPerChannel: 8,
    colorMode: 3,
    children: layers,
    imageData: composite,
  };
  return writePsdBuffer(psd, { generateThumbnail: false });
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
  return layeredPsd(width, height, [sky, sun, badge], pixelData(width, height, composite));
}

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

/**
 * The products the samples draw: a blue bottle with an orange cap, tall and narrow, and a red tin
 * with a gold lid, wide and low, so two product cards tell their products apart at a glance.
 */
export type ProductLook = 'bottle' | 'tin';

/** One product on a plain white backdrop with wide margins, drawn on a 1000 × 1000 canvas. */
function productColour(look: ProductLook, x: number, y: number): Rgba {
  if (look === 'tin') {
    if (x > 250 && x < 750 && y > 380 && y < 440) return [220, 180, 60, 255];
    if (x > 260 && x < 740 && y >= 440 && y < 780) return [200, 40 + (y - 440) / 12, 50, 255];
    return [255, 255, 255, 255];
  }
  const inBody = x > 340 && x < 660 && y > 260 && y < 780;
  const inCap = (x - 500) ** 2 + (y - 250) ** 2 < 120 ** 2;
  if (inBody) return [30 + (x - 340) / 3, 120, 200, 255];
  if (inCap) return [230, 120, 40, 255];
  return [255, 255, 255, 255];
}

function productPixels(look: ProductLook, width: number, height: number): sharp.Sharp {
  const pixels = Buffer.from(paint(width, height, (x, y) => productColour(look, x, y)));
  return sharp(pixels, { raw: { width, height, channels: 4 } });
}

/** A product shot: one object on a plain white backdrop with wide margins, for cut-out and crop. */
export async function productPng(
  width = 1000,
  height = 1000,
  look: ProductLook = 'bottle',
): Promise<Buffer> {
  return productPixels(look, width, height).png().toBuffer();
}

/** The product shot as a camera or a shop's catalogue gives it: a JPEG, no transparency. */
export async function productJpeg(look: ProductLook, width = 1000, height = 1000): Promise<Buffer> {
  return productPixels(look, width, height)
    .removeAlpha()
    .jpeg({ quality: 90, chromaSubsampling: '4:4:4' })
    .toBuffer();
}

/** The name of the one layer a step of an example recipe edits: the templates must have it. */
function editedLayer(step: {
  options: { edits: { layers: readonly { name: string }[] } };
}): string {
  const [edit] = step.options.edits.layers;
  if (!edit) throw new Error('the example step edits no layer');
  return edit.name;
}

/** The product-card layer the product goes into (`Product`), as the example recipe names it. */
const PRODUCT_LAYER = editedLayer(productCutoutRecipe.steps.card);
/** The banner's text layer the headline goes into (`Headline`), as the example recipe names it. */
const HEADLINE_LAYER = editedLayer(localisedBannerRecipe.steps.banner);

/**
 * Where things are on the product-card template: its size, the box of its `Product` layer (the
 * placeholder the product replaces, resized to that box) and the placeholder's colour.
 */
export const PRODUCT_CARD = Object.freeze({
  width: 1200,
  height: 1200,
  product: Object.freeze({ left: 300, top: 200, width: 600, height: 600 }),
  placeholder: Object.freeze([205, 205, 212] as const),
});

/**
 * A product-card template, as a shop's designer hands it over: a light card with a brand band, a
 * frame, a title and a caption (text layers), and a pixel layer named `Product` where the product
 * goes, a grey placeholder box with a cross, so a card whose product never arrived shows it.
 */
export function productCardPsd(): Buffer {
  ensureAgPsd();
  const { width, height, product: box, placeholder } = PRODUCT_CARD;
  const [pr, pg, pb] = placeholder;
  const ink: Rgb = [34, 58, 94];
  const frameGap = 24;
  const frameWidth = 6;
  const frameBox = {
    left: box.left - frameGap,
    top: box.top - frameGap,
    width: box.width + 2 * frameGap,
    height: box.height + 2 * frameGap,
  };
  const onFrame = (x: number, y: number): boolean =>
    x < frameWidth ||
    y < frameWidth ||
    x >= frameBox.width - frameWidth ||
    y >= frameBox.height - frameWidth;
  const layers = [
    layer('Background', 0, 0, width, height, (_x, y) => [247 - y / 120, 244 - y / 120, 238, 255]),
    layer('Brand band', 0, 0, width, 90, () => [...ink, 255]),
    layer('Frame', frameBox.left, frameBox.top, frameBox.width, frameBox.height, (x, y) =>
      onFrame(x, y) ? [70, 70, 80, 255] : [0, 0, 0, 0],
    ),
    layer(PRODUCT_LAYER, box.left, box.top, box.width, box.height, (x, y) =>
      Math.abs(x - y) < 3 || Math.abs(box.width - 1 - x - y) < 3
        ? [170, 170, 180, 255]
        : [pr, pg, pb, 255],
    ),
    textLayer('Title', box.left, 880, 'New arrival', { fontSize: 72, colour: ink }),
    textLayer('Caption', box.left, 985, 'Free delivery and 30-day returns', {
      fontSize: 36,
      colour: [90, 90, 100],
    }),
  ];
  return layeredPsd(width, height, layers);
}

/**
 * A summer banner template: sky, sea and sun, a text layer named `Headline` for each locale's
 * words and a button with its own label.
 */
export function bannerPsd(width = 1200, height = 400): Buffer {
  ensureAgPsd();
  const navy: Rgb = [20, 40, 80];
  const shore = (x: number): number => height * 0.72 + 10 * Math.sin(x / 40);
  const layers = [
    layer('Background', 0, 0, width, height, (x, y) =>
      y < shore(x)
        ? [120 + (80 * y) / height, 200 + (35 * y) / height, 240, 255]
        : [30, 140 - (y - shore(x)) / 3, 190, 255],
    ),
    layer('Sun', width - 280, 40, 160, 160, (x, y) =>
      (x - 80) ** 2 + (y - 80) ** 2 <= 80 ** 2 ? [255, 220, 90, 255] : [0, 0, 0, 0],
    ),
    textLayer(HEADLINE_LAYER, 60, 70, 'Your headline here', { fontSize: 72, colour: navy }),
    layer('Button', 60, 190, 260, 64, () => [240, 90, 70, 255]),
    textLayer('Button label', 90, 202, 'Shop now', { fontSize: 40, colour: [255, 255, 255] }),
  ];
  return layeredPsd(width, height, layers);
}
