import { type Raster, rasterFrom, sharpFromRaster } from './raster';

function toRaster(image: ReturnType<typeof sharpFromRaster>): Promise<Raster> {
  return rasterFrom(image.ensureAlpha());
}

/**
 * Auto tone, approximated: each colour channel's levels are stretched so its 0.5th and 99.5th
 * percentiles land on 0 and 255 (clipping a little, as Lightroom's auto tone does), alpha kept.
 */
export function autoTone(raster: Raster): Raster {
  const { data } = raster;
  const out = new Uint8ClampedArray(data);
  for (let c = 0; c < 3; c += 1) {
    const histogram = new Uint32Array(256);
    let count = 0;
    for (let i = c; i < data.length; i += 4) {
      if ((data[i - c + 3] ?? 0) === 0) continue;
      histogram[data[i] ?? 0] = (histogram[data[i] ?? 0] ?? 0) + 1;
      count += 1;
    }
    if (count === 0) continue;
    const clip = Math.floor(count * 0.005);
    let low = 0;
    for (let seen = 0; low < 255; low += 1) {
      seen += histogram[low] ?? 0;
      if (seen > clip) break;
    }
    let high = 255;
    for (let seen = 0; high > 0; high -= 1) {
      seen += histogram[high] ?? 0;
      if (seen > clip) break;
    }
    if (high <= low) continue;
    const scale = 255 / (high - low);
    for (let i = c; i < out.length; i += 4) out[i] = ((data[i] ?? 0) - low) * scale;
  }
  return { width: raster.width, height: raster.height, data: out };
}

/** The subset of Lightroom's edit settings that maps onto linear and modulate operations. */
export interface ToneEdits {
  /** Stops, −5…+5: multiplies linear values by 2^exposure (applied to sRGB values: approximate). */
  exposure?: number;
  /** −100…+100: a linear stretch around mid-grey, slope 1 + contrast/100. */
  contrast?: number;
  /** −100…+100: saturation multiplier 1 + saturation/100. */
  saturation?: number;
  /** −100…+100: like saturation but half as strong (real vibrance protects skin tones; this does not). */
  vibrance?: number;
  /** −100…+100: brightness offset of blacks (+ lifts, − crushes), ±64 levels at the ends. */
  blacks?: number;
  /** −100…+100: gain on whites, ±25 %. */
  whites?: number;
  /** 0–150: unsharp mask strength. */
  sharpness?: number;
  /** 0–100: median denoise radius, 0 = none. */
  noiseReduction?: number;
}

/** Applies tone edits with sharp; every step is documented above as an approximation. */
export async function applyToneEdits(raster: Raster, edits: ToneEdits): Promise<Raster> {
  let image = sharpFromRaster(raster);
  const gain = Math.pow(2, edits.exposure ?? 0) * (1 + (edits.whites ?? 0) / 400);
  const slope = 1 + (edits.contrast ?? 0) / 100;
  const offset = ((edits.blacks ?? 0) / 100) * 64;
  const a = gain * slope;
  const b = 128 * (1 - slope) + offset;
  if (a !== 1 || b !== 0) image = image.linear([a, a, a], [b, b, b]);
  const saturation = 1 + (edits.saturation ?? 0) / 100 + (edits.vibrance ?? 0) / 200;
  if (saturation !== 1) image = image.modulate({ saturation: Math.max(0, saturation) });
  if (edits.sharpness && edits.sharpness > 0)
    image = image.sharpen({ sigma: 0.5 + edits.sharpness / 100 });
  if (edits.noiseReduction && edits.noiseReduction > 0) {
    image = image.median(edits.noiseReduction >= 50 ? 5 : 3);
  }
  return toRaster(image);
}

/** Depth blur, approximated: a uniform Gaussian blur (there is no depth map), strength 0–100. */
export async function blurRaster(raster: Raster, strength: number): Promise<Raster> {
  const sigma = 0.3 + Math.max(0, Math.min(100, strength)) / 10;
  return toRaster(sharpFromRaster(raster).blur(sigma));
}
