import { boundingBox, type Raster } from './raster';

/**
 * Pixel work of the masking endpoints and of v2 remove-background's options, on one-byte-per-pixel
 * masks (255 = selected). Each is a plain, documented method, not Adobe's models:
 * - a mask image is read as its brightest channel times its alpha (white on black, or a subject
 *   drawn opaque on transparency, both select the subject);
 * - refinement re-decides the uncertain band around the mask's edge by colour: each band pixel
 *   gets the share of the way from the background's mean colour to the subject's, then the edge is
 *   feathered;
 * - colour decontamination takes the background's mean colour out of partly transparent pixels;
 * - filling diffuses the surrounding pixels into the masked area, ring by ring from its edge,
 *   then smooths it.
 */

export type Mask = Uint8Array;

/** Reads a mask image (already at the image's size) into one byte per pixel. */
export function maskFromRaster(raster: Raster): Mask {
  const { data } = raster;
  const mask = new Uint8Array(raster.width * raster.height);
  for (let i = 0; i < mask.length; i += 1) {
    const o = i * 4;
    const brightest = Math.max(data[o] ?? 0, data[o + 1] ?? 0, data[o + 2] ?? 0);
    mask[i] = Math.round((brightest * (data[o + 3] ?? 0)) / 255);
  }
  return mask;
}

/** A mask as an opaque greyscale image (white = selected), RGBA for the encoder. */
export function rasterFromMask(mask: Mask, width: number, height: number): Raster {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < mask.length; i += 1) {
    const v = mask[i] ?? 0;
    data.set([v, v, v, 255], i * 4);
  }
  return { width, height, data };
}

export function invertMask(mask: Mask): Mask {
  return mask.map((v) => 255 - v);
}

/** The box around the mask's selected pixels (at least half selected), or undefined. */
export function maskBox(mask: Mask, width: number, height: number) {
  return boundingBox(
    { width, height, data: new Uint8ClampedArray(0) },
    (i) => (mask[i] ?? 0) >= 128,
  );
}

/** A box blur of `radius` pixels (separable, two passes). */
export function blurMask(mask: Mask, width: number, height: number, radius: number): Mask {
  const pass = (src: Mask, horizontal: boolean): Mask => {
    const out = new Uint8Array(src.length);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        let sum = 0;
        let count = 0;
        for (let d = -radius; d <= radius; d += 1) {
          const xx = horizontal ? x + d : x;
          const yy = horizontal ? y : y + d;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          sum += src[yy * width + xx] ?? 0;
          count += 1;
        }
        out[y * width + x] = Math.round(sum / count);
      }
    }
    return out;
  };
  return pass(pass(mask, true), false);
}

type Rgb = [number, number, number];

/** Mean colour of the pixels where `take(maskValue)` holds; undefined when there are none. */
function meanColour(raster: Raster, mask: Mask, take: (v: number) => boolean): Rgb | undefined {
  const sum: Rgb = [0, 0, 0];
  let count = 0;
  for (let i = 0; i < mask.length; i += 1) {
    if (!take(mask[i] ?? 0)) continue;
    sum[0] += raster.data[i * 4] ?? 0;
    sum[1] += raster.data[i * 4 + 1] ?? 0;
    sum[2] += raster.data[i * 4 + 2] ?? 0;
    count += 1;
  }
  return count === 0 ? undefined : [sum[0] / count, sum[1] / count, sum[2] / count];
}

const distance = (data: Uint8ClampedArray, o: number, rgb: Rgb): number =>
  Math.hypot((data[o] ?? 0) - rgb[0], (data[o + 1] ?? 0) - rgb[1], (data[o + 2] ?? 0) - rgb[2]);

/**
 * Refines a rough mask against the image: pixels whose blurred mask value is uncertain (between
 * 5 % and 95 %, a band about `band` pixels wide around the edge) take the share of the way from
 * the background's mean colour to the subject's; pixels outside the band are settled to 0 or
 * 255; the result is feathered by one pixel. Returns the mask and the background colour.
 */
export function refineMask(
  raster: Raster,
  rough: Mask,
  band = 4,
): { mask: Mask; background: Rgb | undefined } {
  const { width, height, data } = raster;
  const fg = meanColour(raster, rough, (v) => v >= 128);
  const bg = meanColour(raster, rough, (v) => v < 128);
  const blurred = blurMask(rough, width, height, band);
  const refined = new Uint8Array(rough.length);
  for (let i = 0; i < rough.length; i += 1) {
    const b = blurred[i] ?? 0;
    if (b <= 13 || b >= 242 || !fg || !bg) {
      refined[i] = (rough[i] ?? 0) >= 128 ? 255 : 0;
      continue;
    }
    const toBg = distance(data, i * 4, bg);
    const toFg = distance(data, i * 4, fg);
    refined[i] = Math.round((255 * toBg) / Math.max(1e-6, toBg + toFg));
  }
  return { mask: blurMask(refined, width, height, 1), background: bg };
}

/**
 * The subject on transparency with `strength` (0–1) of the background colour taken out of
 * partly transparent pixels: c' = (c − (1 − a)·bg) / a, blended with c by `strength`.
 */
export function decontaminate(
  raster: Raster,
  mask: Mask,
  background: Rgb | undefined,
  strength: number,
): Raster {
  const data = new Uint8ClampedArray(raster.data);
  for (let i = 0; i < mask.length; i += 1) {
    const a = (mask[i] ?? 0) / 255;
    const o = i * 4;
    data[o + 3] = Math.min(data[o + 3] ?? 0, mask[i] ?? 0);
    if (!background || a <= 0.02 || a >= 0.98 || strength <= 0) continue;
    for (let c = 0; c < 3; c += 1) {
      const value = data[o + c] ?? 0;
      const clean = (value - (1 - a) * (background[c] ?? 0)) / a;
      data[o + c] = value + (clean - value) * strength;
    }
  }
  return { width: raster.width, height: raster.height, data };
}

/**
 * Fills the selected area (mask ≥ 128) with its surroundings: rings from the edge inwards each
 * take the mean of their already known 8-neighbours; then `smoothing` passes average the filled
 * pixels with their neighbours. Pixels outside the mask are untouched. Returns the filled count.
 */
export function fillMasked(
  raster: Raster,
  mask: Mask,
  smoothing = 8,
): { raster: Raster; filled: number } {
  const { width, height } = raster;
  const data = new Uint8ClampedArray(raster.data);
  const hole = Uint8Array.from(mask, (v) => (v >= 128 ? 1 : 0));
  const known = Uint8Array.from(hole, (h) => 1 - h);
  const filledPixels: number[] = [];
  const all = Array.from(hole.keys()).filter((i) => hole[i] === 1);
  let frontier = touchingKnown(all, known, width, height);
  while (frontier.length > 0) {
    for (const i of frontier) averageInto(data, data, known, i, width, height);
    for (const i of frontier) known[i] = 1;
    filledPixels.push(...frontier);
    frontier = touchingKnown(
      unknownAround(frontier, hole, known, width, height),
      known,
      width,
      height,
    );
  }
  for (let pass = 0; pass < smoothing; pass += 1) {
    const source = new Uint8ClampedArray(data);
    for (const i of filledPixels) averageInto(source, data, known, i, width, height);
  }
  return { raster: { width, height, data }, filled: filledPixels.length };
}

/** Calls `visit` with each in-image 8-neighbour of pixel `i`. */
function eachNeighbour(i: number, width: number, height: number, visit: (j: number) => void): void {
  const x = i % width;
  const y = (i - x) / width;
  for (let dy = -1; dy <= 1; dy += 1) {
    for (let dx = -1; dx <= 1; dx += 1) {
      const xx = x + dx;
      const yy = y + dy;
      if ((dx !== 0 || dy !== 0) && xx >= 0 && yy >= 0 && xx < width && yy < height) {
        visit(yy * width + xx);
      }
    }
  }
}

/** The candidates that have at least one known 8-neighbour. */
function touchingKnown(candidates: number[], known: Uint8Array, width: number, height: number) {
  return candidates.filter((i) => {
    let touches = false;
    eachNeighbour(i, width, height, (j) => {
      if (known[j] === 1) touches = true;
    });
    return touches;
  });
}

/** Unknown hole pixels next to the ring just filled, each once. */
function unknownAround(
  ring: number[],
  hole: Uint8Array,
  known: Uint8Array,
  width: number,
  height: number,
): number[] {
  const seen = new Set<number>();
  for (const i of ring) {
    eachNeighbour(i, width, height, (j) => {
      if (hole[j] === 1 && known[j] !== 1) seen.add(j);
    });
  }
  return [...seen];
}

/** Writes into `target` at pixel `i` the mean RGBA of the known 8-neighbours in `source`. */
function averageInto(
  source: Uint8ClampedArray,
  target: Uint8ClampedArray,
  known: Uint8Array,
  i: number,
  width: number,
  height: number,
): void {
  const sum = [0, 0, 0, 0];
  let count = 0;
  eachNeighbour(i, width, height, (j) => {
    if (known[j] !== 1) return;
    for (let c = 0; c < 4; c += 1) sum[c] = (sum[c] ?? 0) + (source[j * 4 + c] ?? 0);
    count += 1;
  });
  if (count === 0) return;
  for (let c = 0; c < 4; c += 1) target[i * 4 + c] = (sum[c] ?? 0) / count;
}
