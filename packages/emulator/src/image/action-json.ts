import { EmulatorError } from '../emulator-error';
import { type Raster, cropRaster, rasterFrom, resizeRaster, sharpFromRaster } from './raster';

/** A batchPlay descriptor step the emulator cannot play. */
export class UnsupportedActionError extends EmulatorError {
  constructor(
    readonly index: number,
    readonly step: string,
  ) {
    super(`action step ${index} ("${step}") is not one the emulator plays`);
    this.name = this.constructor.name;
  }
}

type Descriptor = Record<string, unknown>;

function obj(value: unknown): Descriptor {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Descriptor)
    : {};
}

/** A unit value (`{ _unit, _value }`) in pixels, given the dimension it is a percentage of. */
function pixels(value: unknown, whole: number): number | undefined {
  if (typeof value === 'number') return value;
  const v = obj(value);
  if (typeof v._value !== 'number') return undefined;
  return v._unit === 'percentUnit' ? (whole * v._value) / 100 : v._value;
}

async function viaSharp(
  raster: Raster,
  edit: (image: ReturnType<typeof sharpFromRaster>) => ReturnType<typeof sharpFromRaster>,
): Promise<Raster> {
  return rasterFrom(edit(sharpFromRaster(raster)).ensureAlpha());
}

/** Plays one step on the raster; `index` and `name` are for the error of a step it cannot play. */
type StepPlayer = (
  raster: Raster,
  step: Descriptor,
  index: number,
  name: string,
) => Raster | Promise<Raster>;

function invert(raster: Raster): Raster {
  const data = new Uint8ClampedArray(raster.data);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = 255 - (data[i] ?? 0);
    data[i + 1] = 255 - (data[i + 1] ?? 0);
    data[i + 2] = 255 - (data[i + 2] ?? 0);
  }
  return { ...raster, data };
}

/** Resamples to the width and/or height given; a missing one keeps the aspect ratio. */
function imageSize(raster: Raster, step: Descriptor, index: number, name: string): Promise<Raster> {
  const width = pixels(step.width, raster.width);
  const height = pixels(step.height, raster.height);
  if (width === undefined && height === undefined)
    throw new UnsupportedActionError(index, `${name} without width or height`);
  const w = Math.max(
    1,
    Math.round(width ?? (raster.width * (height ?? raster.height)) / raster.height),
  );
  const h = Math.max(1, Math.round(height ?? (raster.height * w) / raster.width));
  return resizeRaster(raster, w, h);
}

/** Centres the image on a canvas of the given size; new area is transparent. */
function canvasSize(raster: Raster, step: Descriptor): Raster {
  const w = Math.round(pixels(step.width, raster.width) ?? raster.width);
  const h = Math.round(pixels(step.height, raster.height) ?? raster.height);
  return cropRaster(
    raster,
    Math.round((raster.width - w) / 2),
    Math.round((raster.height - h) / 2),
    w,
    h,
  );
}

/** Keeps the `to` rectangle; a missing edge is the image's own. */
function crop(raster: Raster, step: Descriptor): Raster {
  const to = obj(step.to);
  const top = pixels(to.top, raster.height) ?? 0;
  const left = pixels(to.left, raster.width) ?? 0;
  const bottom = pixels(to.bottom, raster.height) ?? raster.height;
  const right = pixels(to.right, raster.width) ?? raster.width;
  return cropRaster(
    raster,
    Math.round(left),
    Math.round(top),
    Math.max(1, Math.round(right - left)),
    Math.max(1, Math.round(bottom - top)),
  );
}

/** The steps the emulator plays, by their `_obj`. A Map, so no inherited name matches. */
const PLAYERS: ReadonlyMap<string, StepPlayer> = new Map<string, StepPlayer>([
  ['invert', invert],
  ['desaturate', (raster) => viaSharp(raster, (image) => image.modulate({ saturation: 0 }))],
  [
    'gaussianBlur',
    (raster, step) => {
      const radius = pixels(step.radius, raster.width) ?? 1;
      return viaSharp(raster, (image) => image.blur(Math.max(0.3, radius)));
    },
  ],
  ['imageSize', imageSize],
  ['canvasSize', canvasSize],
  [
    'rotateEventEnum',
    (raster, step) => {
      const angle =
        typeof obj(step.angle)._value === 'number' ? (obj(step.angle)._value as number) : 0;
      return viaSharp(raster, (image) =>
        image.rotate(angle, { background: { r: 0, g: 0, b: 0, alpha: 0 } }),
      );
    },
  ],
  [
    'flip',
    (raster, step) => {
      const axis = obj(step.axis)._value;
      return viaSharp(raster, (image) => (axis === 'vertical' ? image.flip() : image.flop()));
    },
  ],
  ['crop', crop],
]);

/**
 * Plays a small set of Photoshop batchPlay steps on the flattened image: `invert`,
 * `desaturate`, `gaussianBlur` (radius), `imageSize` (width/height in px or %),
 * `canvasSize` (centred, transparent), `rotateEventEnum` (angle), `flip` (axis) and `crop`
 * (to a `to` rectangle). Any other step throws `UnsupportedActionError`: a partial result is
 * never passed off as the action's.
 */
export async function playActionJson(input: Raster, steps: readonly unknown[]): Promise<Raster> {
  let raster = input;
  for (const [index, raw] of steps.entries()) {
    const step = obj(raw);
    const name = typeof step._obj === 'string' ? step._obj : '(no _obj)';
    const play = PLAYERS.get(name);
    if (!play) throw new UnsupportedActionError(index, name);
    raster = await play(raster, step, index, name);
  }
  return raster;
}
