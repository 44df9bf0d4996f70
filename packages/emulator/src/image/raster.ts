import sharp from 'sharp';
import { type BlendFunction } from './blend-modes';

/** Straight (not premultiplied) 8-bit RGBA pixels, row-major. */
export interface Raster {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export function blankRaster(width: number, height: number, rgba?: readonly number[]): Raster {
  const data = new Uint8ClampedArray(width * height * 4);
  if (rgba) {
    for (let i = 0; i < data.length; i += 4) {
      data[i] = rgba[0] ?? 0;
      data[i + 1] = rgba[1] ?? 0;
      data[i + 2] = rgba[2] ?? 0;
      data[i + 3] = rgba[3] ?? 255;
    }
  }
  return { width, height, data };
}

/** Decodes JPEG, PNG, TIFF, WebP, GIF (anything sharp reads) to RGBA. */
export async function decodeWithSharp(bytes: Buffer): Promise<Raster> {
  return rasterFrom(sharp(bytes).ensureAlpha().toColourspace('srgb'));
}

/**
 * The pixels a sharp pipeline produces, as a raster. The pipeline must yield four channels
 * (`ensureAlpha()` where its input may have fewer).
 */
export async function rasterFrom(image: sharp.Sharp): Promise<Raster> {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength),
  };
}

export function sharpFromRaster(raster: Raster): sharp.Sharp {
  return sharp(Buffer.from(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength), {
    raw: { width: raster.width, height: raster.height, channels: 4 },
  });
}

/** Resizes to exactly `width` × `height` (used to fit an image into layer bounds). */
export async function resizeRaster(raster: Raster, width: number, height: number): Promise<Raster> {
  if (raster.width === width && raster.height === height) return raster;
  return rasterFrom(sharpFromRaster(raster).resize(width, height, { fit: 'fill' }));
}

/** Copies the rectangle [left, top, width, height] out of `raster`; outside pixels are transparent. */
export function cropRaster(
  raster: Raster,
  left: number,
  top: number,
  width: number,
  height: number,
): Raster {
  const out = blankRaster(width, height);
  for (let y = 0; y < height; y += 1) {
    const sy = top + y;
    if (sy < 0 || sy >= raster.height) continue;
    for (let x = 0; x < width; x += 1) {
      const sx = left + x;
      if (sx < 0 || sx >= raster.width) continue;
      const s = (sy * raster.width + sx) * 4;
      const d = (y * width + x) * 4;
      out.data[d] = raster.data[s] ?? 0;
      out.data[d + 1] = raster.data[s + 1] ?? 0;
      out.data[d + 2] = raster.data[s + 2] ?? 0;
      out.data[d + 3] = raster.data[s + 3] ?? 0;
    }
  }
  return out;
}

/**
 * Draws `src` over `dst` at (left, top) with `opacity` (0–1), in place. Straight alpha, source-over
 * compositing; with a blend function the colour where both are present is B(backdrop, source)
 * (W3C Compositing and Blending), otherwise the source colour (normal blending).
 */
export function blendOver(
  dst: Raster,
  src: Raster,
  left: number,
  top: number,
  opacity: number,
  blend?: BlendFunction,
): void {
  if (opacity <= 0) return;
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(dst.width, left + src.width);
  const y1 = Math.min(dst.height, top + src.height);
  const d = dst.data;
  const s = src.data;
  for (let y = y0; y < y1; y += 1) {
    let si = ((y - top) * src.width + (x0 - left)) * 4;
    let di = (y * dst.width + x0) * 4;
    for (let x = x0; x < x1; x += 1, si += 4, di += 4) {
      const sa = ((s[si + 3] ?? 0) / 255) * opacity;
      if (sa <= 0) continue;
      const da = (d[di + 3] ?? 0) / 255;
      const oa = sa + da * (1 - sa);
      const k = da * (1 - sa);
      for (let c = 0; c < 3; c += 1) {
        const sc = s[si + c] ?? 0;
        const dc = d[di + c] ?? 0;
        // Where the backdrop is present the source colour is replaced by the blend result.
        const mixed = blend ? (1 - da) * sc + da * 255 * blend(dc / 255, sc / 255) : sc;
        d[di + c] = (mixed * sa + dc * k) / oa;
      }
      d[di + 3] = oa * 255;
    }
  }
}

/** Multiplies the alpha of a layer raster (placed at left/top) by a mask's grey values. */
export function applyMask(
  layer: Raster,
  left: number,
  top: number,
  mask: { raster: Raster; left: number; top: number; defaultValue: number },
): Raster {
  const data = new Uint8ClampedArray(layer.data);
  const m = mask.raster;
  for (let y = 0; y < layer.height; y += 1) {
    const my = top + y - mask.top;
    for (let x = 0; x < layer.width; x += 1) {
      const mx = left + x - mask.left;
      const inside = mx >= 0 && my >= 0 && mx < m.width && my < m.height;
      const value = inside ? (m.data[(my * m.width + mx) * 4] ?? 0) : mask.defaultValue;
      const o = (y * layer.width + x) * 4 + 3;
      data[o] = ((data[o] ?? 0) * value) / 255;
    }
  }
  return { width: layer.width, height: layer.height, data };
}

/** Bounding box of pixels for which `keep(index)` is true, or undefined when none are. */
export function boundingBox(
  raster: Raster,
  keep: (pixelIndex: number) => boolean,
): { left: number; top: number; width: number; height: number } | undefined {
  let minX = raster.width;
  let minY = raster.height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < raster.height; y += 1) {
    for (let x = 0; x < raster.width; x += 1) {
      if (!keep(y * raster.width + x)) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxX < 0) return undefined;
  return { left: minX, top: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}
