import { documentFromRaster, renderDocument } from '../image/document';
import {
  applyLayerEdits,
  LayerEditError,
  type LayerEdit,
  type LayerRef,
  type Placement,
} from '../image/layer-edits';
import { buildV2Manifest } from '../image/manifest';
import { encodeRaster } from '../image/encode';
import { blankRaster, cropRaster, type Raster } from '../image/raster';
import { autoTone as autoToneImage, applyToneEdits, type ToneEdits } from '../image/tone';
import { estimateTilt, straighten } from '../image/straighten';
import { xmpEdits } from '../image/xmp-settings';
import { blendModeFromAdobe } from '../image/blend-modes';
import { JobFailedError, failures } from '../jobs/job-failure';
import { v2Adjustment } from './adjustment-options';
import { playSteps } from './photoshop-operations';
import { imageSpec } from './output-specs';
import { unsupportedSettings } from './sensei-lightroom-operations';
import {
  attachThumbnails,
  layerThumbnails,
  IMAGE_TYPES,
  cropDocument,
  fileName,
  requireWritable,
  sideBySide,
  subjectBox,
  writeDocumentOutputs,
  writeRasterOutputs,
} from './shared-steps';
import { type JobResult, type WorkContext } from './work-context';

type Body = Record<string, unknown>;

function obj(value: unknown): Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Body)
    : {};
}

function list(value: unknown): Body[] {
  return Array.isArray(value) ? value.map(obj) : [];
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

const COMPOSITE_TYPES = new Set([...IMAGE_TYPES, 'image/vnd.adobe.photoshop']);

function ref(value: unknown): LayerRef {
  const o = obj(value);
  return {
    ...(typeof o.id === 'number' ? { id: o.id } : {}),
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
  };
}

function placementOf(operation: Body): Placement | undefined {
  const placement = obj(operation.placement);
  const kind = placement.type ?? 'top';
  if (kind === 'top') return { kind: 'top' };
  if (kind === 'bottom') return { kind: 'bottom' };
  if (kind === 'above' || kind === 'below' || kind === 'into') {
    return { kind, ref: ref(placement.referenceLayer) };
  }
  return undefined;
}

/** `edits.layers[]` of create-composite as layer edits (image, visibility, opacity, text, SO). */
function v2LayerEdits(layers: Body[]): LayerEdit[] {
  return layers.map((layer, i) => {
    const operation = obj(layer.operation);
    const action = (operation.type as LayerEdit['action'] | undefined) ?? 'edit';
    const edit: LayerEdit = { action, path: `edits.layers[${i}]`, target: ref(layer) };
    if (typeof layer.name === 'string') edit.name = layer.name;
    if (typeof layer.isVisible === 'boolean') edit.visible = layer.isVisible;
    const blend = obj(layer.blendOptions);
    const opacity = num(blend.opacity);
    if (opacity !== undefined) edit.opacity = opacity / 100;
    const blendMode = blendModeFromAdobe(blend.blendMode);
    if (blendMode) edit.blendMode = blendMode;
    if (layer.type === 'group_layer') edit.group = true;
    const image =
      obj(obj(layer.image).source).url ??
      obj(obj(obj(layer.smartObject).smartObjectFile).source).url;
    if (typeof image === 'string') {
      edit.imageHref = image;
      edit.rasterizeSmartObject = layer.smartObject !== undefined;
    }
    const offset = obj(obj(layer.transform).offset);
    const dimension = obj(obj(layer.transform).dimension);
    if (layer.transform) {
      edit.bounds = {
        ...(num(offset.horizontal) !== undefined ? { left: num(offset.horizontal) } : {}),
        ...(num(offset.vertical) !== undefined ? { top: num(offset.vertical) } : {}),
        ...(num(dimension.width) !== undefined ? { width: num(dimension.width) } : {}),
        ...(num(dimension.height) !== undefined ? { height: num(dimension.height) } : {}),
      };
    }
    const content = obj(layer.text).content;
    if (typeof content === 'string') edit.text = content;
    const rgb = obj(obj(obj(layer.fill).solidColor).rgb);
    if (rgb.red !== undefined || rgb.green !== undefined || rgb.blue !== undefined) {
      edit.fill = [num(rgb.red) ?? 0, num(rgb.green) ?? 0, num(rgb.blue) ?? 0];
    }
    const adjustment = v2Adjustment(layer.adjustments, `${edit.path}.adjustments`);
    if (adjustment) edit.adjustment = adjustment;
    if (action === 'add' || action === 'move') {
      const placement = placementOf(operation);
      if (placement) edit.placement = placement;
    }
    return edit;
  });
}

export async function createComposite(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, COMPOSITE_TYPES);
  const image = obj(ctx.body.image);
  let doc;
  if (ctx.mainInput) {
    doc = await ctx.loadDocument(ctx.mainInput, 'image.source');
  } else {
    const width = num(image.width) ?? 100;
    const height = num(image.height) ?? 100;
    const fill = image.fill === 'transparent' ? undefined : [255, 255, 255, 255];
    doc = documentFromRaster(
      blankRaster(width, height, fill),
      `${typeof image.name === 'string' ? image.name : 'Untitled-1'}.psd`,
    );
    if (!fill) doc.psd.children = [];
    doc.edited = true;
  }
  const edits = obj(ctx.body.edits);
  try {
    await applyLayerEdits(doc, v2LayerEdits(list(edits.layers)), (href) =>
      ctx.loadImage(href, 'edits.layers[].image.source'),
    );
  } catch (err) {
    if (err instanceof LayerEditError)
      throw new JobFailedError(failures.invalidRequest(err.path, err.message));
    throw err;
  }
  const bounds = obj(obj(obj(edits.document).crop).bounds);
  if (Object.keys(bounds).length > 0) {
    const top = num(bounds.top) ?? 0;
    const left = num(bounds.left) ?? 0;
    cropDocument(doc, {
      top,
      left,
      width: Math.max(1, (num(bounds.right) ?? doc.psd.width) - left),
      height: Math.max(1, (num(bounds.bottom) ?? doc.psd.height) - top),
    });
  }
  await writeDocumentOutputs(ctx, doc, (o) => imageSpec(o, 'v2'));
  return {};
}

const V2_LIGHT: Record<string, keyof ToneEdits> = {
  exposure: 'exposure',
  contrast: 'contrast',
  blacks: 'blacks',
  whites: 'whites',
};
const V2_COLOR: Record<string, keyof ToneEdits> = {
  saturation: 'saturation',
  vibrance: 'vibrance',
};

export async function v2Edit(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, new Set(['image/jpeg', 'image/png']));
  const edits = obj(ctx.body.edits);
  const light = obj(edits.light);
  const color = obj(edits.color);
  const unsupported = [
    ...unsupportedSettings(light, Object.keys(V2_LIGHT)).map((k) => `light.${k}`),
    ...unsupportedSettings(color, Object.keys(V2_COLOR)).map((k) => `color.${k}`),
    ...unsupportedSettings(obj(edits.effects), []).map((k) => `effects.${k}`),
    ...unsupportedSettings(obj(edits.sharpen), []).map((k) => `sharpen.${k}`),
    ...unsupportedSettings(obj(edits.noiseReduction), ['luminance']).map(
      (k) => `noiseReduction.${k}`,
    ),
    ...(list(obj(edits.xmp).masks).length > 0 ? ['xmp.masks'] : []),
  ];
  if (unsupported.length > 0) {
    throw new JobFailedError(
      failures.notImplemented('edits', `the edits ${unsupported.join(', ')}`),
    );
  }
  const tone: ToneEdits = {};
  for (const [key, target] of Object.entries(V2_LIGHT)) {
    const v = num(light[key]);
    if (v !== undefined) tone[target] = v;
  }
  for (const [key, target] of Object.entries(V2_COLOR)) {
    const v = num(color[key]);
    if (v !== undefined) tone[target] = v;
  }
  const sharpness = num(edits.sharpness);
  if (sharpness !== undefined) tone.sharpness = sharpness;
  const luminance = num(obj(edits.noiseReduction).luminance);
  if (luminance !== undefined) tone.noiseReduction = luminance;
  // Presets and an XMP packet apply first (in that order), then the explicit settings.
  const packets: string[] = [];
  for (const [i, preset] of list(edits.presets).entries()) {
    if (typeof preset.url === 'string') {
      packets.push((await ctx.download(preset.url, `edits.presets[${i}]`)).toString('utf8'));
    }
  }
  const xmpUrl = obj(obj(edits.xmp).source).url;
  if (typeof xmpUrl === 'string')
    packets.push((await ctx.download(xmpUrl, 'edits.xmp.source')).toString('utf8'));
  let raster: Raster = await ctx.loadImage(ctx.mainInput ?? '', 'image.source');
  const upright = obj(edits.autoStraighten);
  if (upright.enabled === true) {
    raster = await straighten(raster, estimateTilt(raster), upright.constrainCrop !== false);
  }
  if (edits.autoTone === true) raster = autoToneImage(raster);
  if (packets.length > 0) {
    const fromXmp = xmpEdits(packets);
    if (fromXmp.unsupported.length > 0) {
      throw new JobFailedError(
        failures.notImplemented('edits', `the develop settings ${fromXmp.unsupported.join(', ')}`),
      );
    }
    raster = await applyToneEdits(raster, fromXmp.edits);
  }
  raster = await applyToneEdits(raster, tone);
  await writeRasterOutputs(ctx, raster, (o) => imageSpec(o, 'v2'));
  return {};
}

export async function generateManifest(ctx: WorkContext): Promise<JobResult> {
  const doc = await ctx.loadDocument(ctx.mainInput ?? '', 'image.source');
  const manifest = buildV2Manifest(doc);
  if (ctx.body.includeLayerThumbnails === true) {
    const options = obj(ctx.body.exportOptions);
    const mediaType = options.mediaType === 'image/jpeg' ? 'image/jpeg' : 'image/png';
    const urls = await layerThumbnails(ctx, doc, mediaType);
    attachThumbnails(manifest.layers, urls, (url) => ({ mediaType, url }));
  }
  const bytes = Buffer.from(JSON.stringify(manifest));
  for (const output of ctx.outputs) await ctx.write(output, bytes, 'application/json');
  return {};
}

export async function createArtboard(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, COMPOSITE_TYPES);
  const images: { name: string; raster: Raster }[] = [];
  for (const [i, image] of list(ctx.body.images).entries()) {
    const href = String(obj(obj(image).source).url);
    const doc = await ctx.loadDocument(href, `images[${i}].source`);
    images.push({ name: fileName(href, `Artboard ${i + 1}`), raster: renderDocument(doc) });
  }
  const spacing = num(ctx.body.artboardSpacing) ?? 50;
  await writeDocumentOutputs(ctx, sideBySide(images, spacing), (o) => imageSpec(o, 'v2'));
  return {};
}

function ratioOf(value: string): number {
  const [w, h] = value.split(':').map(Number);
  return (w ?? 1) / (h ?? 1);
}

/**
 * Auto-crop, approximated: the subject is the border-colour flood-fill estimate; each asked
 * aspect ratio gets the smallest crop of that ratio centred on the subject, scaled by `zoom`.
 * With `outputType: images` (the default) each box also gets a `url` where the emulator serves
 * the cropped image for an hour, as Adobe serves presigned URLs.
 */
export async function autoCrop(ctx: WorkContext): Promise<JobResult> {
  const raster = await ctx.loadImage(ctx.mainInput ?? '', 'image.source');
  const subject = subjectBox(raster);
  const ratios = Array.isArray(ctx.body.aspectRatio)
    ? (ctx.body.aspectRatio as string[])
    : [typeof ctx.body.aspectRatio === 'string' ? ctx.body.aspectRatio : '1:1'];
  const zooms = Array.isArray(ctx.body.zoom)
    ? (ctx.body.zoom as number[])
    : [num(ctx.body.zoom) ?? 1];
  const withImages = (ctx.body.outputType ?? 'images') === 'images';
  const mediaType = obj(ctx.body.image).mediaType === 'image/png' ? 'image/png' : 'image/jpeg';
  const box = async (b: { left: number; top: number; width: number; height: number }) => {
    const out: Record<string, unknown> = { x: b.left, y: b.top, width: b.width, height: b.height };
    if (withImages) {
      const bytes = await encodeRaster(cropRaster(raster, b.left, b.top, b.width, b.height), {
        type: mediaType,
        quality: 90,
      });
      out.url = ctx.host(bytes, mediaType, 60 * 60 * 1000);
    }
    return out;
  };
  const crops = [];
  for (const [i, ratio] of ratios.entries()) {
    const r = ratioOf(ratio);
    const zoom = Math.min(1, Math.max(0.01, zooms[i] ?? zooms[0] ?? 1));
    let width = Math.max(subject.width, subject.height * r) / zoom;
    let height = width / r;
    // Shrink to fit the image while keeping the ratio.
    if (width > raster.width) {
      width = raster.width;
      height = width / r;
    }
    if (height > raster.height) {
      height = raster.height;
      width = height * r;
    }
    const cx = subject.left + subject.width / 2;
    const cy = subject.top + subject.height / 2;
    const left = Math.round(Math.min(Math.max(0, cx - width / 2), raster.width - width));
    const top = Math.round(Math.min(Math.max(0, cy - height / 2), raster.height - height));
    crops.push({
      boundingBoxes: [
        await box({ left, top, width: Math.round(width), height: Math.round(height) }),
      ],
    });
  }
  const mode = ctx.body.mode;
  const detects = mode === 'objectDetection' || mode === 'fullSceneDetection';
  return {
    autoCrop: {
      subject: [{ boundingBoxes: [await box(subject)] }],
      objects: detects
        ? // One "object": the subject estimate, with no classifier behind it (confidence 0.5).
          [{ objectName: 'subject', confidence: 0.5, boundingBoxes: [await box(subject)] }]
        : [],
      crops: mode === 'smartCrop' || mode === 'subjectCrop' ? crops : [],
    },
  };
}

/**
 * execute-actions: inline actionJSON (`source.content` with a JSON content type) plays as in
 * `/pie/psdService/actionJSON`; .atn files, UXP scripts and extra contents are refused.
 */
export async function executeActions(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, COMPOSITE_TYPES);
  const options = obj(ctx.body.options);
  if (options.uxp !== undefined)
    throw new JobFailedError(failures.notImplemented('options.uxp', 'UXP scripts'));
  for (const key of ['additionalContents', 'brushes', 'patterns']) {
    if (list(options[key]).length > 0) {
      throw new JobFailedError(failures.notImplemented(`options.${key}`, `actions with ${key}`));
    }
  }
  const steps: unknown[] = [];
  for (const [i, action] of list(options.actions).entries()) {
    const source = obj(action.source);
    const inline =
      typeof source.content === 'string' &&
      typeof source.contentType === 'string' &&
      source.contentType.includes('json');
    if (!inline) {
      throw new JobFailedError(
        failures.notImplemented(`options.actions[${i}].source`, 'playing Photoshop actions (.atn)'),
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(source.content as string);
    } catch {
      throw new JobFailedError(
        failures.invalidRequest(`options.actions[${i}].source.content`, 'not valid JSON'),
      );
    }
    steps.push(...(Array.isArray(parsed) ? (parsed as unknown[]) : [parsed]));
  }
  const image = obj(ctx.body.image);
  const raster = ctx.mainInput
    ? await ctx.loadImage(ctx.mainInput, 'image.source')
    : blankRaster(
        num(image.width) ?? 100,
        num(image.height) ?? 100,
        image.fill === 'transparent' ? undefined : [255, 255, 255, 255],
      );
  await writeRasterOutputs(ctx, await playSteps(steps, raster, 'options.actions'), (o) =>
    imageSpec(o, 'v2'),
  );
  return {};
}
