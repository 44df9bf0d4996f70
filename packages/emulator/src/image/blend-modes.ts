import { type BlendMode } from 'ag-psd';

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

/**
 * Adobe's blend-mode names (the v1 manifest and layer schemas, camelCase, in
 * specs/v1/PITS/layers_manifest.schema.json) by ag-psd's. v2 spells the same names in snake_case
 * (`BlendOptions` in specs/v2/photoshopv2-api.json). Adobe has no name for a group's pass-through:
 * manifests report such groups `normal`. ag-psd's rarely used aliases (`subtraction`,
 * `height`, `linear height`) are not here and read as `normal`.
 */
const ADOBE_NAMES: Readonly<Partial<Record<BlendMode, string>>> = {
  'pass through': 'normal',
  normal: 'normal',
  dissolve: 'dissolve',
  darken: 'darken',
  multiply: 'multiply',
  'color burn': 'colorBurn',
  'linear burn': 'linearBurn',
  'darker color': 'darkerColor',
  lighten: 'lighten',
  screen: 'screen',
  'color dodge': 'colorDodge',
  'linear dodge': 'linearDodge',
  'lighter color': 'lighterColor',
  overlay: 'overlay',
  'soft light': 'softLight',
  'hard light': 'hardLight',
  'vivid light': 'vividLight',
  'linear light': 'linearLight',
  'pin light': 'pinLight',
  'hard mix': 'hardMix',
  difference: 'difference',
  exclusion: 'exclusion',
  subtract: 'subtract',
  divide: 'divide',
  hue: 'hue',
  saturation: 'saturation',
  color: 'color',
  luminosity: 'luminosity',
};

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A layer's blend mode as Adobe's v1 (camelCase) or v2 (snake_case) manifest names it. */
export function adobeBlendMode(mode: BlendMode | undefined, generation: 'v1' | 'v2'): string {
  const name = ADOBE_NAMES[mode ?? 'normal'] ?? 'normal';
  return generation === 'v1' ? name : snake(name);
}

const FROM_ADOBE = new Map<string, BlendMode>(
  (Object.entries(ADOBE_NAMES) as [BlendMode, string][])
    .filter(([mode]) => mode === 'normal' || MODES[mode] !== undefined)
    .flatMap(([mode, name]) => [
      [name, mode],
      [snake(name), mode],
    ]),
);

/**
 * The ag-psd mode for a blend mode a request names in either spelling, when the emulator can
 * render it (normal and the separable modes above); undefined otherwise.
 */
export function blendModeFromAdobe(name: unknown): BlendMode | undefined {
  return typeof name === 'string' ? FROM_ADOBE.get(name) : undefined;
}
