import { type AdjustmentLayer } from 'ag-psd';
import { type Raster } from './raster';

/**
 * The adjustment layers the emulator renders, in Adobe's terms. Each is an approximation of
 * Photoshop's math, documented per kind; other adjustment kinds stay in the PSD but are not
 * rendered.
 */
export type Adjustment =
  | { kind: 'brightnessContrast'; brightness: number; contrast: number }
  | { kind: 'exposure'; exposure: number; offset: number; gamma: number }
  | {
      kind: 'hueSaturation';
      colorize: boolean;
      hue: number;
      saturation: number;
      lightness: number;
    }
  | {
      kind: 'colorBalance';
      /** [cyan–red, magenta–green, yellow–blue] per tonal range, each −100…100. */
      shadows: [number, number, number];
      midtones: [number, number, number];
      highlights: [number, number, number];
      preserveLuminosity: boolean;
    };

const balance = (v: [number, number, number]) => ({
  cyanRed: v[0],
  magentaGreen: v[1],
  yellowBlue: v[2],
});
const levels = (
  v: { cyanRed: number; magentaGreen: number; yellowBlue: number } | undefined,
): [number, number, number] => [v?.cyanRed ?? 0, v?.magentaGreen ?? 0, v?.yellowBlue ?? 0];

export function toAgPsd(adjustment: Adjustment): AdjustmentLayer {
  switch (adjustment.kind) {
    case 'colorBalance':
      return {
        type: 'color balance',
        shadows: balance(adjustment.shadows),
        midtones: balance(adjustment.midtones),
        highlights: balance(adjustment.highlights),
        preserveLuminosity: adjustment.preserveLuminosity,
      };
    case 'brightnessContrast':
      return {
        type: 'brightness/contrast',
        brightness: adjustment.brightness,
        contrast: adjustment.contrast,
      };
    case 'exposure':
      return {
        type: 'exposure',
        exposure: adjustment.exposure,
        offset: adjustment.offset,
        gamma: adjustment.gamma,
      };
    case 'hueSaturation':
      return {
        type: 'hue/saturation',
        master: {
          a: 0,
          b: 0,
          c: 0,
          d: 0,
          hue: adjustment.hue,
          saturation: adjustment.saturation,
          lightness: adjustment.lightness,
        },
      };
  }
}

export function fromAgPsd(layer: AdjustmentLayer): Adjustment | undefined {
  switch (layer.type) {
    case 'brightness/contrast':
      return {
        kind: 'brightnessContrast',
        brightness: layer.brightness ?? 0,
        contrast: layer.contrast ?? 0,
      };
    case 'exposure':
      return {
        kind: 'exposure',
        exposure: layer.exposure ?? 0,
        offset: layer.offset ?? 0,
        gamma: layer.gamma ?? 1,
      };
    case 'color balance':
      return {
        kind: 'colorBalance',
        shadows: levels(layer.shadows),
        midtones: levels(layer.midtones),
        highlights: levels(layer.highlights),
        preserveLuminosity: layer.preserveLuminosity ?? true,
      };
    case 'hue/saturation':
      return {
        kind: 'hueSaturation',
        colorize: false,
        hue: layer.master?.hue ?? 0,
        saturation: layer.master?.saturation ?? 0,
        lightness: layer.master?.lightness ?? 0,
      };
    default:
      return undefined;
  }
}

/** Adobe's manifest view of an adjustment layer's settings. */
export function manifestAdjustments(layer: AdjustmentLayer): Record<string, unknown> | undefined {
  const adjustment = fromAgPsd(layer);
  if (!adjustment) return undefined;
  switch (adjustment.kind) {
    case 'colorBalance':
      return {
        colorBalance: {
          preserveLuminosity: adjustment.preserveLuminosity,
          shadowLevels: adjustment.shadows,
          midtoneLevels: adjustment.midtones,
          highlightLevels: adjustment.highlights,
        },
      };
    case 'brightnessContrast':
      return {
        brightnessContrast: { brightness: adjustment.brightness, contrast: adjustment.contrast },
      };
    case 'exposure':
      return {
        exposure: {
          exposure: adjustment.exposure,
          offset: adjustment.offset,
          gammaCorrection: adjustment.gamma,
        },
      };
    case 'hueSaturation':
      return {
        hueSaturation: {
          colorize: adjustment.colorize,
          channels: [
            {
              channel: 'master',
              hue: adjustment.hue,
              saturation: adjustment.saturation,
              lightness: adjustment.lightness,
            },
          ],
        },
      };
  }
}

function rgbToHsl(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  let h: number;
  if (max === r) h = (g - b) / d + (g < b ? 6 : 0);
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  return [h / 6, s, l];
}

function hueToChannel(p: number, q: number, t: number): number {
  let u = t;
  if (u < 0) u += 1;
  if (u > 1) u -= 1;
  if (u < 1 / 6) return p + (q - p) * 6 * u;
  if (u < 1 / 2) return q;
  if (u < 2 / 3) return p + (q - p) * (2 / 3 - u) * 6;
  return p;
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  if (s === 0) return [l, l, l];
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  return [hueToChannel(p, q, h + 1 / 3), hueToChannel(p, q, h), hueToChannel(p, q, h - 1 / 3)];
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** A per-pixel colour function on 0–1 RGB for one adjustment. */
function colourFunction(
  adjustment: Adjustment,
): (r: number, g: number, b: number) => [number, number, number] {
  switch (adjustment.kind) {
    case 'colorBalance': {
      // Each tonal range shifts the channels by up to ±0.25 at ±100, weighted by how much the
      // pixel belongs to that range (shadows (1−L)², highlights L², midtones the rest);
      // preserveLuminosity then restores the original luma.
      const { shadows, midtones, highlights, preserveLuminosity } = adjustment;
      return (r, g, b) => {
        const luma = 0.299 * r + 0.587 * g + 0.114 * b;
        const ws = (1 - luma) * (1 - luma);
        const wh = luma * luma;
        const wm = Math.max(0, 1 - ws - wh);
        const shift = (c: 0 | 1 | 2): number =>
          ((shadows[c] * ws + midtones[c] * wm + highlights[c] * wh) / 100) * 0.25;
        let nr = clamp01(r + shift(0));
        let ng = clamp01(g + shift(1));
        let nb = clamp01(b + shift(2));
        if (preserveLuminosity) {
          const delta = luma - (0.299 * nr + 0.587 * ng + 0.114 * nb);
          nr = clamp01(nr + delta);
          ng = clamp01(ng + delta);
          nb = clamp01(nb + delta);
        }
        return [nr, ng, nb];
      };
    }
    case 'brightnessContrast': {
      // Linear: brightness ±150 shifts by up to ±0.3, contrast ±150 scales around mid-grey.
      const shift = (adjustment.brightness / 150) * 0.3;
      const slope = Math.max(0, 1 + adjustment.contrast / 100);
      const f = (v: number): number => clamp01((v + shift - 0.5) * slope + 0.5);
      return (r, g, b) => [f(r), f(g), f(b)];
    }
    case 'exposure': {
      // Photoshop's exposure works in linear light; this applies it to the sRGB values directly.
      const gain = Math.pow(2, adjustment.exposure);
      const inverseGamma = 1 / Math.max(0.01, adjustment.gamma);
      const f = (v: number): number =>
        Math.pow(clamp01(v * gain + adjustment.offset), inverseGamma);
      return (r, g, b) => [f(r), f(g), f(b)];
    }
    case 'hueSaturation': {
      const { colorize, hue, saturation, lightness } = adjustment;
      return (r, g, b) => {
        const [h, s, l] = rgbToHsl(r, g, b);
        const nh = colorize ? hue / 360 : (((h + hue / 360) % 1) + 1) % 1;
        const ns = colorize ? saturation / 100 : clamp01(s * (1 + saturation / 100));
        const nl = lightness >= 0 ? l + (1 - l) * (lightness / 100) : l * (1 + lightness / 100);
        return hslToRgb(nh, ns, clamp01(nl));
      };
    }
  }
}

/** Applies an adjustment to everything already in `target`, mixed in by `opacity` (0–1). */
export function applyAdjustment(target: Raster, adjustment: Adjustment, opacity: number): void {
  if (opacity <= 0) return;
  const f = colourFunction(adjustment);
  const d = target.data;
  for (let i = 0; i < d.length; i += 4) {
    if ((d[i + 3] ?? 0) === 0) continue;
    const r = (d[i] ?? 0) / 255;
    const g = (d[i + 1] ?? 0) / 255;
    const b = (d[i + 2] ?? 0) / 255;
    const [nr, ng, nb] = f(r, g, b);
    d[i] = (r + (nr - r) * opacity) * 255;
    d[i + 1] = (g + (ng - g) * opacity) * 255;
    d[i + 2] = (b + (nb - b) * opacity) * 255;
  }
}
