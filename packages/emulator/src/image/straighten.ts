import { type Raster, rasterFrom, sharpFromRaster } from './raster';

const MAX_TILT = 15;
const BIN = 0.25;

/**
 * The tilt of an image in degrees (positive = content rotated counter-clockwise), estimated from
 * edge orientations: Sobel gradients on a greyscale copy at most 512 px wide, each edge folded
 * onto the nearest axis (horizons and verticals both count), a magnitude-weighted histogram over
 * ±15° in 0.25° bins, and its peak. An approximation of Lightroom's Upright "level": no lens or
 * perspective model, and an image with no dominant straight lines reads as level.
 */
export function estimateTilt(raster: Raster): number {
  const scale = Math.min(1, 512 / raster.width);
  const w = Math.max(3, Math.round(raster.width * scale));
  const h = Math.max(3, Math.round(raster.height * scale));
  const grey = new Float32Array(w * h);
  for (let y = 0; y < h; y += 1) {
    const sy = Math.min(raster.height - 1, Math.floor(y / scale));
    for (let x = 0; x < w; x += 1) {
      const sx = Math.min(raster.width - 1, Math.floor(x / scale));
      const o = (sy * raster.width + sx) * 4;
      grey[y * w + x] =
        0.299 * (raster.data[o] ?? 0) +
        0.587 * (raster.data[o + 1] ?? 0) +
        0.114 * (raster.data[o + 2] ?? 0);
    }
  }
  const bins = new Float64Array(Math.round((2 * MAX_TILT) / BIN) + 1);
  const at = (x: number, y: number): number => grey[y * w + x] ?? 0;
  for (let y = 1; y < h - 1; y += 1) {
    for (let x = 1; x < w - 1; x += 1) {
      const gx =
        at(x + 1, y - 1) +
        2 * at(x + 1, y) +
        at(x + 1, y + 1) -
        at(x - 1, y - 1) -
        2 * at(x - 1, y) -
        at(x - 1, y + 1);
      const gy =
        at(x - 1, y + 1) +
        2 * at(x, y + 1) +
        at(x + 1, y + 1) -
        at(x - 1, y - 1) -
        2 * at(x, y - 1) -
        at(x + 1, y - 1);
      const magnitude = Math.hypot(gx, gy);
      if (magnitude < 40) continue;
      // The edge runs perpendicular to the gradient; fold its angle onto the nearest axis.
      let angle = (Math.atan2(gy, gx) * 180) / Math.PI + 90;
      angle = ((((angle + 45) % 90) + 90) % 90) - 45;
      if (Math.abs(angle) > MAX_TILT) continue;
      const bin = Math.round((angle + MAX_TILT) / BIN);
      bins[bin] = (bins[bin] ?? 0) + magnitude;
    }
  }
  let best = Math.round(MAX_TILT / BIN);
  for (let i = 0; i < bins.length; i += 1) if ((bins[i] ?? 0) > (bins[best] ?? 0)) best = i;
  return best * BIN - MAX_TILT;
}

/**
 * Rotates by −tilt and, with `constrainCrop`, crops to the largest centred rectangle of the
 * original aspect ratio that holds no blank corners.
 */
export async function straighten(
  raster: Raster,
  tilt: number,
  constrainCrop: boolean,
): Promise<Raster> {
  if (Math.abs(tilt) < BIN / 2) return raster;
  const rotated = await rasterFrom(
    sharpFromRaster(raster).rotate(-tilt, { background: { r: 0, g: 0, b: 0, alpha: 0 } }),
  );
  let image = sharpFromRaster(rotated);
  if (constrainCrop) {
    const t = (Math.abs(tilt) * Math.PI) / 180;
    const { width: w, height: h } = raster;
    const k = Math.min(
      w / (w * Math.cos(t) + h * Math.sin(t)),
      h / (w * Math.sin(t) + h * Math.cos(t)),
    );
    const cw = Math.max(1, Math.floor(w * k));
    const ch = Math.max(1, Math.floor(h * k));
    image = image.extract({
      left: Math.floor((rotated.width - cw) / 2),
      top: Math.floor((rotated.height - ch) / 2),
      width: cw,
      height: ch,
    });
  }
  return rasterFrom(image.ensureAlpha());
}
