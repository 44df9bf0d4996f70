/**
 * Separable blend modes (W3C Compositing and Blending), on 0–1 channel values: `b` is the
 * backdrop, `s` the source. Photoshop's non-separable modes (hue, saturation, color,
 * luminosity, darker/lighter color) and its mixed ones (vivid, linear, pin light, hard mix,
 * dissolve) are not here: those layers are drawn with normal blending.
 */
export type BlendFunction = (b: number, s: number) => number;

const hardLight: BlendFunction = (b, s) => (s <= 0.5 ? b * 2 * s : 1 - (1 - b) * (1 - (2 * s - 1)));

const softLight: BlendFunction = (b, s) => {
  if (s <= 0.5) return b - (1 - 2 * s) * b * (1 - b);
  const d = b <= 0.25 ? ((16 * b - 12) * b + 4) * b : Math.sqrt(b);
  return b + (2 * s - 1) * (d - b);
};

const MODES: Record<string, BlendFunction> = {
  multiply: (b, s) => b * s,
  screen: (b, s) => b + s - b * s,
  overlay: (b, s) => hardLight(s, b),
  darken: Math.min,
  lighten: Math.max,
  'color dodge': (b, s) => (b === 0 ? 0 : s >= 1 ? 1 : Math.min(1, b / (1 - s))),
  'color burn': (b, s) => (b >= 1 ? 1 : s <= 0 ? 0 : 1 - Math.min(1, (1 - b) / s)),
  'hard light': hardLight,
  'soft light': softLight,
  difference: (b, s) => Math.abs(b - s),
  exclusion: (b, s) => b + s - 2 * b * s,
  'linear dodge': (b, s) => Math.min(1, b + s),
  'linear burn': (b, s) => Math.max(0, b + s - 1),
  subtract: (b, s) => Math.max(0, b - s),
  divide: (b, s) => (s <= 0 ? 1 : Math.min(1, b / s)),
};

/** The blend function of a PSD blend mode, or undefined for normal (and unsupported) modes. */
export function blendFunction(mode: string | undefined): BlendFunction | undefined {
  return mode === undefined ? undefined : MODES[mode];
}
