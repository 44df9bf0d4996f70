import { cutout as cutoutImage, maskImage } from '../image/background';
import { encodeRaster } from '../image/encode';
import { autoTone as autoToneImage, applyToneEdits, type ToneEdits } from '../image/tone';
import { estimateTilt, straighten } from '../image/straighten';
import { xmpEdits, xmpPacket } from '../image/xmp-settings';
import { type Raster } from '../image/raster';
import { JobFailedError, failures } from '../jobs/job-failure';
import { imageSpec } from './output-specs';
import { requireWritable, writeRasterOutputs } from './shared-steps';
import { type JobResult, type WorkContext } from './work-context';

type Body = Record<string, unknown>;

function obj(value: unknown): Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Body)
    : {};
}

const LR_WRITABLE = new Set(['image/jpeg', 'image/png']);
const XMP = 'application/rdf+xml';
/** Edits that are settings (edit, xmp, presets) can also be written as an XMP sidecar. */
const LR_WRITABLE_WITH_XMP = new Set([...LR_WRITABLE, XMP]);

/** Image outputs get the edited pixels; `application/rdf+xml` outputs the settings as XMP. */
async function writeLightroomOutputs(
  ctx: WorkContext,
  raster: Raster,
  edits: ToneEdits,
): Promise<void> {
  for (const output of ctx.outputs) {
    if (output.type === XMP) {
      await ctx.write(output, Buffer.from(xmpPacket(edits)), XMP);
    } else {
      await ctx.write(
        output,
        await encodeRaster(raster, imageSpec(output, 'lightroom')),
        output.type,
      );
    }
  }
}

function main(ctx: WorkContext): string {
  if (!ctx.mainInput)
    throw new JobFailedError(failures.invalidRequest('input', 'an input is required'));
  return ctx.mainInput;
}

/**
 * Cut-out and mask share one foreground estimate (see image/background.ts): cutout writes RGBA
 * PNG with the background transparent, mask a greyscale PNG (white = subject).
 */
async function sensei(ctx: WorkContext, kind: 'cutout' | 'mask'): Promise<JobResult> {
  const raster = await ctx.loadImage(main(ctx), 'input');
  const output = ctx.outputs[0];
  if (!output) throw new JobFailedError(failures.invalidRequest('output', 'an output is required'));
  const soft = obj(output.raw.mask).format !== 'binary';
  const space = obj(output.raw.color).space ?? (kind === 'cutout' ? 'rgba' : 'rgb');
  const image = kind === 'cutout' ? cutoutImage(raster, soft) : maskImage(raster, soft);
  const bytes = await encodeRaster(image, {
    ...imageSpec(output, 'sensei'),
    type: 'image/png',
    dropAlpha: space === 'rgb',
  });
  await ctx.write(output, bytes, 'image/png');
  return {};
}

export const cutout = (ctx: WorkContext): Promise<JobResult> => sensei(ctx, 'cutout');
export const mask = (ctx: WorkContext): Promise<JobResult> => sensei(ctx, 'mask');

export async function autoTone(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, LR_WRITABLE);
  const raster = await ctx.loadImage(main(ctx), 'inputs');
  await writeRasterOutputs(ctx, autoToneImage(raster), (o) => imageSpec(o, 'lightroom'));
  return {};
}

/** Lightroom settings the emulator approximates, by their v1 option names. */
const V1_TONE_KEYS: Record<string, keyof ToneEdits> = {
  Exposure: 'exposure',
  Contrast: 'contrast',
  Saturation: 'saturation',
  Vibrance: 'vibrance',
  Blacks: 'blacks',
  Whites: 'whites',
  Sharpness: 'sharpness',
  NoiseReduction: 'noiseReduction',
};

/** Settings that have no honest linear/modulate equivalent: asking for them fails the job. */
export function unsupportedSettings(
  settings: Record<string, unknown>,
  supported: Iterable<string>,
): string[] {
  const known = new Set(supported);
  return Object.entries(settings)
    .filter(
      ([key, value]) =>
        !known.has(key) && value !== undefined && value !== 0 && value !== 'As Shot',
    )
    .map(([key]) => key);
}

export async function edit(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, LR_WRITABLE_WITH_XMP);
  const options = obj(ctx.body.options);
  const unsupported = unsupportedSettings(options, Object.keys(V1_TONE_KEYS));
  if (unsupported.length > 0) {
    throw new JobFailedError(
      failures.notImplemented('options', `the Lightroom settings ${unsupported.join(', ')}`),
    );
  }
  const edits: ToneEdits = {};
  for (const [key, target] of Object.entries(V1_TONE_KEYS)) {
    const value = options[key];
    if (typeof value === 'number') edits[target] = value;
  }
  const raster = await ctx.loadImage(main(ctx), 'inputs.source');
  await writeLightroomOutputs(ctx, await applyToneEdits(raster, edits), edits);
  return {};
}

async function applyXmpPackets(
  ctx: WorkContext,
  packets: string[],
  inputPath: string,
): Promise<JobResult> {
  requireWritable(ctx.outputs, LR_WRITABLE_WITH_XMP);
  const { edits, unsupported } = xmpEdits(packets);
  if (unsupported.length > 0) {
    throw new JobFailedError(
      failures.notImplemented('xmp', `the develop settings ${unsupported.join(', ')}`),
    );
  }
  const raster = await ctx.loadImage(main(ctx), inputPath);
  await writeLightroomOutputs(ctx, await applyToneEdits(raster, edits), edits);
  return {};
}

/** `/lrService/xmp`: the develop settings in `options.xmp` applied as in `edit`. */
export function xmp(ctx: WorkContext): Promise<JobResult> {
  const packet = obj(ctx.body.options).xmp;
  return applyXmpPackets(ctx, [typeof packet === 'string' ? packet : ''], 'inputs.source');
}

/** `/lrService/presets`: each preset (.xmp) downloaded once and applied in order. */
export async function presets(ctx: WorkContext): Promise<JobResult> {
  const list = obj(ctx.body.inputs).presets;
  const packets: string[] = [];
  for (const [i, preset] of (Array.isArray(list) ? list : []).entries()) {
    const href = obj(preset).href;
    if (typeof href !== 'string') continue;
    packets.push((await ctx.download(href, `inputs.presets[${i}]`)).toString('utf8'));
  }
  return applyXmpPackets(ctx, packets, 'inputs.source');
}

/**
 * autoStraighten: the image rotated level by its dominant edge orientation (image/straighten.ts)
 * and, with `constrainCrop` (default), cropped to drop the blank corners. Every `uprightMode`
 * gets this rotation only: no perspective correction.
 */
export async function autoStraighten(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, LR_WRITABLE);
  const options = obj(ctx.body.options);
  const raster = await ctx.loadImage(main(ctx), 'inputs');
  const straight = await straighten(raster, estimateTilt(raster), options.constrainCrop !== false);
  await writeRasterOutputs(ctx, straight, (o) => imageSpec(o, 'lightroom'));
  return {};
}
