import { type Raster } from './raster';

/**
 * Foreground estimate used by cut-out, mask and product crop. An honest approximation of
 * Adobe's Sensei model, a "magic wand" from the edges: the background colour is the median of
 * the image border; border pixels near it seed a flood fill that spreads to neighbours whose
 * colour differs from the current pixel by at most `step` (so smooth gradients and shadows
 * are followed) while staying within `tolerance` of the background colour. Whatever the fill
 * does not reach is the subject. Transparent pixels count as background.
 *
 * Returns one byte per pixel: 255 subject, 0 background; with `soft`, the edge is feathered by
 * a 3×3 box blur of that binary mask.
 */
export function foregroundMask(
  raster: Raster,
  options: { tolerance?: number; step?: number; soft?: boolean } = {},
): Uint8Array {
  const { width, height, data } = raster;
  const tolerance = options.tolerance ?? 110;
  const step = options.step ?? 14;
  const bg = borderColour(raster);
  const n = width * height;
  const distanceToBg = (i: number): number => {
    const o = i * 4;
    if ((data[o + 3] ?? 0) < 16) return 0;
    const dr = (data[o] ?? 0) - bg[0];
    const dg = (data[o + 1] ?? 0) - bg[1];
    const db = (data[o + 2] ?? 0) - bg[2];
    return Math.sqrt(dr * dr + dg * dg + db * db);
  };
  const between = (a: number, b: number): number => {
    const oa = a * 4;
    const ob = b * 4;
    if ((data[oa + 3] ?? 0) < 16 && (data[ob + 3] ?? 0) < 16) return 0;
    const dr = (data[oa] ?? 0) - (data[ob] ?? 0);
    const dg = (data[oa + 1] ?? 0) - (data[ob + 1] ?? 0);
    const db = (data[oa + 2] ?? 0) - (data[ob + 2] ?? 0);
    return Math.sqrt(dr * dr + dg * dg + db * db);
  };
  const background = new Uint8Array(n);
  const stack: number[] = [];
  const seed = (i: number): void => {
    if (background[i] === 0 && distanceToBg(i) <= tolerance * 0.6) {
      background[i] = 1;
      stack.push(i);
    }
  };
  for (let x = 0; x < width; x += 1) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y += 1) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  const grow = (from: number, to: number): void => {
    if (background[to] === 0 && between(from, to) <= step && distanceToBg(to) <= tolerance) {
      background[to] = 1;
      stack.push(to);
    }
  };
  while (stack.length > 0) {
    const i = stack.pop() ?? 0;
    const x = i % width;
    if (x > 0) grow(i, i - 1);
    if (x < width - 1) grow(i, i + 1);
    if (i >= width) grow(i, i - width);
    if (i < n - width) grow(i, i + width);
  }
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) mask[i] = background[i] === 0 ? 255 : 0;
  if (!options.soft) return mask;
  const soft = new Uint8Array(n);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let sum = 0;
      let count = 0;
      for (let dy = -1; dy <= 1; dy += 1) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx += 1) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          sum += mask[yy * width + xx] ?? 0;
          count += 1;
        }
      }
      soft[y * width + x] = Math.round(sum / count);
    }
  }
  return soft;
}

/** Per-channel median of the outermost ring of pixels. */
export function borderColour(raster: Raster): [number, number, number] {
  const { width, height, data } = raster;
  const r: number[] = [];
  const g: number[] = [];
  const b: number[] = [];
  const add = (x: number, y: number): void => {
    const o = (y * width + x) * 4;
    r.push(data[o] ?? 0);
    g.push(data[o + 1] ?? 0);
    b.push(data[o + 2] ?? 0);
  };
  for (let x = 0; x < width; x += 1) {
    add(x, 0);
    add(x, height - 1);
  }
  for (let y = 1; y < height - 1; y += 1) {
    add(0, y);
    add(width - 1, y);
  }
  const median = (v: number[]): number => {
    v.sort((a, c) => a - c);
    return v[Math.floor(v.length / 2)] ?? 0;
  };
  return [median(r), median(g), median(b)];
}

/** The subject cut out: RGBA with the background made transparent. */
export function cutout(raster: Raster, soft: boolean): Raster {
  const mask = foregroundMask(raster, { soft });
  const data = new Uint8ClampedArray(raster.data);
  for (let i = 0; i < mask.length; i += 1) {
    data[i * 4 + 3] = Math.min(data[i * 4 + 3] ?? 0, mask[i] ?? 0);
  }
  return { width: raster.width, height: raster.height, data };
}

/** The mask as an opaque greyscale image (white = subject), stored as RGBA for encoding. */
export function maskImage(raster: Raster, soft: boolean): Raster {
  const mask = foregroundMask(raster, { soft });
  const data = new Uint8ClampedArray(raster.width * raster.height * 4);
  for (let i = 0; i < mask.length; i += 1) {
    const v = mask[i] ?? 0;
    data[i * 4] = v;
    data[i * 4 + 1] = v;
    data[i * 4 + 2] = v;
    data[i * 4 + 3] = 255;
  }
  return { width: raster.width, height: raster.height, data };
}
