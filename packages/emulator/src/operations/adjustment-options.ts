import { type Adjustment } from '../image/adjustments';
import { JobFailedError, failures } from '../jobs/job-failure';

type Body = Record<string, unknown>;

function obj(value: unknown): Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Body)
    : {};
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function triple(value: unknown): [number, number, number] {
  const list = Array.isArray(value) ? value : [];
  return [num(list[0], 0), num(list[1], 0), num(list[2], 0)];
}

function unsupported(path: string, what: string): never {
  throw new JobFailedError(failures.notImplemented(path, what));
}

/** v1 `adjustments` (documentOperations layers): brightnessContrast, exposure, hueSaturation. */
export function v1Adjustment(raw: unknown, path: string): Adjustment | undefined {
  if (raw === undefined) return undefined;
  const a = obj(raw);
  const bc = a.brightnessContrast ?? a.brightness_contrast;
  if (bc !== undefined) {
    return {
      kind: 'brightnessContrast',
      brightness: num(obj(bc).brightness, 0),
      contrast: num(obj(bc).contrast, 0),
    };
  }
  if (a.exposure !== undefined) {
    const e = obj(a.exposure);
    return {
      kind: 'exposure',
      exposure: num(e.exposure, 0),
      offset: num(e.offset, 0),
      gamma: num(e.gammaCorrection, 1),
    };
  }
  const hs = a.hueSaturation ?? a.hue_saturation;
  if (hs !== undefined) {
    const channels = Array.isArray(obj(hs).channels)
      ? (obj(hs).channels as unknown[]).map(obj)
      : [];
    if (channels.some((c) => c.channel !== undefined && c.channel !== 'master')) {
      unsupported(`${path}.hueSaturation.channels`, 'hue/saturation channels other than master');
    }
    const master = channels[0] ?? {};
    return {
      kind: 'hueSaturation',
      colorize: obj(hs).colorize === true,
      hue: num(master.hue, 0),
      saturation: num(master.saturation, 0),
      lightness: num(master.lightness, 0),
    };
  }
  const cb = a.colorBalance ?? a.color_balance;
  if (cb !== undefined) {
    const c = obj(cb);
    return {
      kind: 'colorBalance',
      shadows: triple(c.shadowLevels),
      midtones: triple(c.midtoneLevels),
      // The v1 schema spells it `hightoneLevels`; the manifest and v2 say `highlightLevels`.
      highlights: triple(c.highlightLevels ?? c.hightoneLevels),
      preserveLuminosity: c.preserveLuminosity !== false,
    };
  }
  return undefined;
}

/** v2 `adjustments` (`type` brightness_contrast, exposure, hue_saturation; color_balance refused). */
export function v2Adjustment(raw: unknown, path: string): Adjustment | undefined {
  if (raw === undefined) return undefined;
  const a = obj(raw);
  switch (a.type) {
    case 'brightness_contrast': {
      const bc = obj(a.brightnessContrast);
      return {
        kind: 'brightnessContrast',
        brightness: num(bc.brightness, 0),
        contrast: num(bc.contrast, 0),
      };
    }
    case 'exposure': {
      const e = obj(a.exposure);
      return {
        kind: 'exposure',
        exposure: num(e.exposureValue, 0),
        offset: num(e.offset, 0),
        gamma: num(e.gammaCorrection, 1),
      };
    }
    case 'hue_saturation': {
      const hs = obj(a.hueSaturation);
      const list = Array.isArray(hs.hueSaturationAdjustments)
        ? (hs.hueSaturationAdjustments as unknown[]).map(obj)
        : [];
      if (list.length > 1 || list.some((x) => x.localRange !== undefined)) {
        unsupported(`${path}.hueSaturation`, 'hue/saturation adjustments of colour ranges');
      }
      const master = list[0] ?? {};
      return {
        kind: 'hueSaturation',
        colorize: hs.colorize === true,
        hue: num(master.hue, 0),
        saturation: num(master.saturation, 0),
        lightness: num(master.lightness, 0),
      };
    }
    case 'color_balance': {
      const c = obj(a.colorBalance);
      return {
        kind: 'colorBalance',
        shadows: triple(c.shadowLevels),
        midtones: triple(c.midtoneLevels),
        highlights: triple(c.highlightLevels),
        preserveLuminosity: c.preserveLuminosity !== false,
      };
    }
    default:
      return unsupported(`${path}.type`, `rendering ${String(a.type)} adjustment layers`);
  }
}
