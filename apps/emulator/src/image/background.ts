import { type Raster } from './raster';

/**
 * Foreground estimate used by cut-out, mask and product crop. An honest approximation of
 * Adobe's Sensei model: the background is taken to be the median colour of the image border,
 * and a pixel is background when it is within `tolerance` of that colour AND connected to the
 * border through such pixels (a flood fill from the edges), so same-coloured areas inside the
 * subject survive. Transparent pixels count as background.
 *
 * Returns one byte per pixel: 255 foreground, 0 background; with `soft`, pixels near the
 * threshold get an intermediate value so the edge is feathered.
 */
export function foregroundMask(
  raster: Raster,
  options: { tolerance?: number; soft?: boolean } = {},
): Uint8Array {
  const { width, height, data } = raster;
  const tolerance = options.tolerance ?? 48;
  const bg = borderColour(raster);
  const n = width * height;
  const distance = new Float32Array(n);
  for (let i = 0; i < n; i += 1) {
    const o = i * 4;
    if ((data[o + 3] ?? 0) < 16) {
      distance[i] = 0;
      continue;
    }
    const dr = (data[o] ?? 0) - bg[0];
    const dg = (data[o + 1] ?? 0) - bg[1];
    const db = (data[o + 2] ?? 0) - bg[2];
    distance[i] = Math.sqrt(dr * dr + dg * dg + db * db);
  }
  const background = new Uint8Array(n);
  const stack: number[] = [];
  const push = (i: number): void => {
    if (background[i] === 0 && (distance[i] ?? Infinity) <= tolerance) {
      background[i] = 1;
      stack.push(i);
    }
  };
  for (let x = 0; x < width; x += 1) {
    push(x);
    push((height - 1) * width + x);
  }
  for (let y = 0; y < height; y += 1) {
    push(y * width);
    push(y * width + width - 1);
  }
  while (stack.length > 0) {
    const i = stack.pop() ?? 0;
    const x = i % width;
    if (x > 0) push(i - 1);
    if (x < width - 1) push(i + 1);
    if (i >= width) push(i - width);
    if (i < n - width) push(i + width);
  }
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    if (background[i] === 0) {
      mask[i] = 255;
    } else if (options.soft) {
      // Background pixels close to the threshold are partly kept: a feathered edge.
      const d = distance[i] ?? 0;
      mask[i] =
        d > tolerance * 0.5 ? Math.round(((d - tolerance * 0.5) / (tolerance * 0.5)) * 128) : 0;
    }
  }
  return mask;
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
