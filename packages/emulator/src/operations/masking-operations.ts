import { borderColour, cutout, foregroundMask, maskImage } from '../image/background';
import { encodeRaster } from '../image/encode';
import {
  decontaminate,
  fillMasked,
  invertMask,
  maskBox,
  maskFromRaster,
  rasterFromMask,
  refineMask as refineAgainstImage,
  type Mask,
} from '../image/mask-work';
import { blankRaster, blendOver, cropRaster, resizeRaster, type Raster } from '../image/raster';
import { JobFailedError, failures } from '../jobs/job-failure';
import { type StatusFieldsResult } from './status-fields';
import { type JobResult, type WorkContext } from './work-context';

type Body = Record<string, unknown>;

/** How long the emulator keeps the files it hosts for these endpoints (Adobe keeps them too). */
const HOSTED_MS = 60 * 60 * 1000;

function obj(value: unknown): Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Body)
    : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Fails the job naming the first field the emulator does not know at this level: it never
 * passes over a field it would not honour.
 */
function refuseUnknown(node: unknown, known: readonly string[], at: string): void {
  for (const key of Object.keys(obj(node))) {
    if (known.includes(key)) continue;
    const path = at ? `${at}.${key}` : key;
    throw new JobFailedError(failures.notImplemented(path, `the field ${path}`));
  }
}

/** The `{ source: { url } }` resources of a body, checked for fields beyond them. */
function sourceUrl(node: unknown, at: string): string {
  refuseUnknown(node, ['source'], at);
  refuseUnknown(obj(node).source, ['url'], `${at}.source`);
  const url = str(obj(obj(node).source).url);
  if (!url)
    throw new JobFailedError(failures.invalidRequest(`${at}.source.url`, 'a url is required'));
  return url;
}

/** A mask input at the image's size (resized when it differs), one byte per pixel. */
async function loadMask(ctx: WorkContext, node: unknown, at: string, image: Raster): Promise<Mask> {
  let raster = await ctx.loadImage(sourceUrl(node, at), `${at}.source`);
  if (raster.width !== image.width || raster.height !== image.height) {
    raster = await resizeRaster(raster, image.width, image.height);
  }
  return maskFromRaster(raster);
}

/** `ImageBoundingBox` of the selected pixels; an empty mask has an empty box. */
function boxOf(mask: Mask, width: number, height: number) {
  const box = maskBox(mask, width, height);
  return box
    ? { x: box.left, y: box.top, width: box.width, height: box.height }
    : { x: 0, y: 0, width: 0, height: 0 };
}

/** Encodes a PNG the emulator serves for an hour, as Adobe keeps masking results. */
async function hostedPng(ctx: WorkContext, raster: Raster) {
  const bytes = await encodeRaster(raster, { type: 'image/png' });
  return { destination: { url: ctx.host(bytes, 'image/png', HOSTED_MS) }, mediaType: 'image/png' };
}

/**
 * `/v1/mask-objects`: one semantic mask, the subject of the cut-out's foreground estimate
 * (image/background.ts), and one background mask, its inverse. There is no classifier behind
 * them: labels are `subject` and `Background`, scores 0.5.
 */
export async function maskObjects(ctx: WorkContext): Promise<StatusFieldsResult> {
  refuseUnknown(ctx.body, ['image'], '');
  const raster = await ctx.loadImage(sourceUrl(ctx.body.image, 'image'), 'image.source');
  const { width, height } = raster;
  const subject = foregroundMask(raster, { soft: true });
  const background = invertMask(subject);
  const entry = async (label: string, mask: Mask) => ({
    label,
    score: 0.5,
    boundingBox: boxOf(mask, width, height),
    ...(await hostedPng(ctx, rasterFromMask(mask, width, height))),
  });
  const has = (mask: Mask) => maskBox(mask, width, height) !== undefined;
  return {
    statusFields: {
      semanticMasks: has(subject) ? [await entry('subject', subject)] : [],
      backgroundMasks: has(background) ? [await entry('Background', background)] : [],
    },
  };
}

/** `/v1/mask-body-parts`: body-part segmentation needs a model the emulator does not have. */
export function maskBodyParts(): Promise<StatusFieldsResult> {
  return Promise.reject(
    new JobFailedError(
      failures.notImplemented('image', 'body-part segmentation (mask-body-parts)'),
    ),
  );
}

/**
 * `/v1/refine-mask`: the mask's edge re-decided by colour against the image and feathered
 * (image/mask-work.ts); with `colorDecontamination` the result is the image on transparency with
 * the background colour taken out of its edge, returned as `image` instead of `mask`.
 */
export async function refineMask(ctx: WorkContext): Promise<StatusFieldsResult> {
  refuseUnknown(ctx.body, ['image', 'mask', 'colorDecontamination'], '');
  const raster = await ctx.loadImage(sourceUrl(ctx.body.image, 'image'), 'image.source');
  const { width, height } = raster;
  const rough = await loadMask(ctx, ctx.body.mask, 'mask', raster);
  const { mask, background } = refineAgainstImage(raster, rough);
  const boundingBox = boxOf(mask, width, height);
  if (ctx.body.colorDecontamination === true) {
    const image = decontaminate(raster, mask, background, 1);
    return { statusFields: { image: { ...(await hostedPng(ctx, image)), boundingBox } } };
  }
  const refined = rasterFromMask(mask, width, height);
  return { statusFields: { mask: { ...(await hostedPng(ctx, refined)), boundingBox } } };
}

/**
 * `/v1/fill-masked-areas`: the union of the masks filled from its surroundings (diffusion,
 * image/mask-work.ts), not generated content. Masks that cover the whole image leave nothing
 * to fill from, and fail the job.
 */
export async function fillMaskedAreas(ctx: WorkContext): Promise<StatusFieldsResult> {
  refuseUnknown(ctx.body, ['image', 'masks'], '');
  const raster = await ctx.loadImage(sourceUrl(ctx.body.image, 'image'), 'image.source');
  const union = new Uint8Array(raster.width * raster.height);
  const masks = Array.isArray(ctx.body.masks) ? (ctx.body.masks as unknown[]) : [];
  for (const [i, node] of masks.entries()) {
    const mask = await loadMask(ctx, node, `masks[${i}]`, raster);
    for (let p = 0; p < union.length; p += 1) union[p] = Math.max(union[p] ?? 0, mask[p] ?? 0);
  }
  if (union.every((v) => v >= 128)) {
    throw new JobFailedError(
      failures.invalidRequest(
        'masks',
        'the masks cover the whole image: nothing is left to fill from',
      ),
    );
  }
  const { raster: filled } = fillMasked(raster, union);
  return { statusFields: { image: await hostedPng(ctx, filled) } };
}

const REMOVE_BACKGROUND_FIELDS = [
  'image',
  'mode',
  'output',
  'trim',
  'backgroundColor',
  'colorDecontamination',
];

/** The subject and its options as remove-background asks: cut-out or mask, trimmed, filled. */
function removeBackgroundImage(raster: Raster, body: Body): Raster {
  const { width, height } = raster;
  const subject = foregroundMask(raster, { soft: true });
  const strength = typeof body.colorDecontamination === 'number' ? body.colorDecontamination : 0;
  let image: Raster;
  if (body.mode === 'mask') image = maskImage(raster, true);
  else if (strength > 0) image = decontaminate(raster, subject, borderColour(raster), strength);
  else image = cutout(raster, true);
  const box = maskBox(subject, width, height);
  if (body.trim === true && box)
    image = cropRaster(image, box.left, box.top, box.width, box.height);
  const colour = obj(body.backgroundColor);
  if (body.backgroundColor !== undefined) {
    const n = (key: string, fallback: number): number => {
      const value = colour[key];
      return typeof value === 'number' ? value : fallback;
    };
    const rgba = [n('red', 255), n('green', 255), n('blue', 255), Math.round(n('alpha', 1) * 255)];
    const base = blankRaster(image.width, image.height, rgba);
    blendOver(base, image, 0, 0, 1);
    image = base;
  }
  return image;
}

/** Checks remove-background's fields; mask mode has no colours to fill or decontaminate. */
function checkRemoveBackground(body: Body): void {
  refuseUnknown(body, REMOVE_BACKGROUND_FIELDS, '');
  refuseUnknown(body.output, ['mediaType', 'destination'], 'output');
  refuseUnknown(body.backgroundColor, ['red', 'green', 'blue', 'alpha'], 'backgroundColor');
  const destination = obj(obj(body.output).destination);
  refuseUnknown(destination, ['url', 'storageType', 'validityPeriod'], 'output.destination');
  if (body.mode !== 'mask') return;
  for (const key of ['backgroundColor', 'colorDecontamination']) {
    if (body[key] !== undefined) {
      throw new JobFailedError(
        failures.notImplemented(key, `${key} in mask mode (a mask has no colours)`),
      );
    }
  }
}

/**
 * `/v2/remove-background`, as `/sensei/cutout` (mode `cutout`) and `/sensei/mask` (mode `mask`)
 * with the v2 options. Its one `output` is written like every other output (job-files.ts
 * `outputTargets`): to `output.destination.url`, or, with a `validityPeriod` or no destination
 * (the guide's own example), served by the emulator; the v2 status view lists it.
 */
export async function removeBackground(ctx: WorkContext): Promise<JobResult> {
  checkRemoveBackground(ctx.body);
  const raster = await ctx.loadImage(sourceUrl(ctx.body.image, 'image'), 'image.source');
  const [target] = ctx.outputs;
  if (!target) throw new JobFailedError(failures.invalidRequest('output', 'an output is required'));
  const bytes = await encodeRaster(removeBackgroundImage(raster, ctx.body), { type: target.type });
  await ctx.write(target, bytes, target.type);
  return {};
}
