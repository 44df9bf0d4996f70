import { documentFromRaster, renderDocument, type ImageDocument } from '../image/document';
import {
  applyLayerEdits,
  LayerEditError,
  type LayerEdit,
  type LayerRef,
  type Placement,
} from '../image/layer-edits';
import { buildManifest } from '../image/manifest';
import { blankRaster, cropRaster, type Raster, resizeRaster, boundingBox } from '../image/raster';
import { playActionJson, UnsupportedActionError } from '../image/action-json';
import { blurRaster } from '../image/tone';
import { blendModeFromAdobe } from '../image/blend-modes';
import { JobFailedError, failures } from '../jobs/job-failure';
import { v1Adjustment } from './adjustment-options';
import { imageSpec } from './output-specs';
import {
  attachThumbnails,
  layerThumbnails,
  IMAGE_TYPES,
  cropToSubject,
  fileName,
  requireWritable,
  sideBySide,
  writeDocumentOutputs,
  writeRasterOutputs,
} from './shared-steps';
import { type JobResult, type WorkContext } from './work-context';

type Body = Record<string, unknown>;

const PS_TYPES = new Set([...IMAGE_TYPES, 'image/vnd.adobe.photoshop', 'vnd.adobe.photoshop']);

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

function ref(value: unknown): LayerRef {
  const o = obj(value);
  return {
    ...(typeof o.id === 'number' ? { id: o.id } : {}),
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
  };
}

/**
 * A v1 text edit's new text: `text.content`, or `text.contents`, the older spelling Adobe's
 * post_text schema still accepts (specs/v1/PITS/post_text.schema.json).
 */
function textContent(layer: Body): string | undefined {
  const text = obj(layer.text);
  if (typeof text.content === 'string') return text.content;
  return typeof text.contents === 'string' ? text.contents : undefined;
}

function placementOf(block: Body): Placement | undefined {
  if (block.insertAbove) return { kind: 'above', ref: ref(block.insertAbove) };
  if (block.insertBelow) return { kind: 'below', ref: ref(block.insertBelow) };
  if (block.insertInto) return { kind: 'into', ref: ref(block.insertInto) };
  if (block.insertBottom === true) return { kind: 'bottom' };
  if (block.insertTop === true) return { kind: 'top' };
  return undefined;
}

function rgbOf(fill: Body): [number, number, number] | undefined {
  const rgb = obj(obj(fill.solidColor).rgb);
  if (rgb.red === undefined && rgb.green === undefined && rgb.blue === undefined) return undefined;
  return [num(rgb.red) ?? 0, num(rgb.green) ?? 0, num(rgb.blue) ?? 0];
}

/** `options.layers[]` of documentOperations / documentCreate / text as layer edits. */
export function v1LayerEdits(layers: Body[], pathPrefix: string): LayerEdit[] {
  const edits: LayerEdit[] = [];
  layers.forEach((layer, i) => {
    const path = `${pathPrefix}[${i}]`;
    const action = layer.add
      ? 'add'
      : layer.move
        ? 'move'
        : layer.delete
          ? 'delete'
          : layer.edit
            ? 'edit'
            : undefined;
    // Adobe ignores layers without an action block.
    if (!action) return;
    const target = ref(layer);
    const edit: LayerEdit = { action, path, target };
    if (typeof layer.name === 'string') edit.name = layer.name;
    if (typeof layer.visible === 'boolean') edit.visible = layer.visible;
    if (typeof layer.locked === 'boolean') edit.locked = layer.locked;
    const blend = obj(layer.blendOptions);
    const opacity = num(blend.opacity);
    if (opacity !== undefined) edit.opacity = opacity / 100;
    const blendMode = blendModeFromAdobe(blend.blendMode);
    if (blendMode) edit.blendMode = blendMode;
    const input = obj(layer.input);
    if (typeof input.href === 'string') edit.imageHref = input.href;
    if (layer.bounds) edit.bounds = obj(layer.bounds);
    const fill = rgbOf(obj(layer.fill));
    if (fill) edit.fill = fill;
    const content = textContent(layer);
    if (content !== undefined) edit.text = content;
    if (layer.type === 'layerSection') edit.group = true;
    const adjustment = v1Adjustment(layer.adjustments, `${path}.adjustments`);
    if (adjustment) edit.adjustment = adjustment;
    if (action === 'add' || action === 'move') {
      const placement = placementOf(obj(action === 'add' ? layer.add : layer.move));
      if (placement) edit.placement = placement;
    }
    edits.push(edit);
  });
  return edits;
}

async function runEdits(ctx: WorkContext, doc: ImageDocument, edits: LayerEdit[]): Promise<void> {
  try {
    await applyLayerEdits(doc, edits, (href) => ctx.loadImage(href, 'options.layers[].input'));
  } catch (err) {
    if (err instanceof LayerEditError)
      throw new JobFailedError(failures.invalidRequest(err.path, err.message));
    throw err;
  }
}

/** Document-level edits (imageSize, canvasSize, trim) applied after layer edits, to image outputs. */
function documentTransform(options: Body): ((raster: Raster) => Promise<Raster>) | undefined {
  const document = obj(options.document);
  if (!document.imageSize && !document.canvasSize && !document.trim) return undefined;
  return async (input) => {
    let raster = input;
    const canvas = obj(obj(document.canvasSize).bounds);
    if (document.canvasSize) {
      const top = num(canvas.top) ?? 0;
      const left = num(canvas.left) ?? 0;
      const bottom = num(canvas.bottom) ?? raster.height;
      const right = num(canvas.right) ?? raster.width;
      raster = cropRaster(raster, left, top, Math.max(1, right - left), Math.max(1, bottom - top));
    }
    // `transparentPixels` is the only basis the contract allows.
    if (obj(document.trim).basedOn === 'transparentPixels') {
      const box = boundingBox(raster, (i) => (raster.data[i * 4 + 3] ?? 0) > 0);
      if (box) raster = cropRaster(raster, box.left, box.top, box.width, box.height);
    }
    const size = obj(document.imageSize);
    const width = num(size.width);
    if (width !== undefined && width > 0) {
      // Photoshop keeps the aspect ratio and derives the height from the width; a height that
      // disagrees would need a distorting resize, which the emulator does not do.
      const height = Math.max(1, Math.round((raster.height * width) / raster.width));
      const asked = num(size.height);
      if (asked !== undefined && Math.abs(asked - height) > 1) {
        throw new JobFailedError(
          failures.notImplementedFields([
            {
              path: 'options.document.imageSize.height',
              what: `a height other than the proportional ${height} px (a distorting resize)`,
            },
          ]),
        );
      }
      raster = await resizeRaster(raster, width, height);
    }
    return raster;
  };
}

function requireMain(ctx: WorkContext): string {
  if (!ctx.mainInput)
    throw new JobFailedError(failures.invalidRequest('inputs', 'an input is required'));
  return ctx.mainInput;
}

export async function renditionCreate(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, PS_TYPES);
  const doc = await ctx.loadDocument(requireMain(ctx), 'inputs[0]');
  await writeDocumentOutputs(ctx, doc, (o) => imageSpec(o, 'photoshop'));
  return {};
}

export async function documentManifest(ctx: WorkContext): Promise<JobResult> {
  const doc = await ctx.loadDocument(requireMain(ctx), 'inputs[0]');
  const manifest = buildManifest(doc);
  const thumbnails = obj(obj(ctx.body.options).thumbnails).type;
  if (typeof thumbnails === 'string') {
    attachThumbnails(manifest.layers, await layerThumbnails(ctx, doc, thumbnails), (url) => url);
  }
  return { manifest };
}

export async function documentOperations(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, PS_TYPES);
  const options = obj(ctx.body.options);
  const doc = await ctx.loadDocument(requireMain(ctx), 'inputs[0]');
  await runEdits(ctx, doc, v1LayerEdits(list(options.layers), 'options.layers'));
  await writeDocumentOutputs(
    ctx,
    doc,
    (o) => imageSpec(o, 'photoshop'),
    documentTransform(options),
  );
  return {};
}

/** A document's resolution in pixels per inch, as a PSD stores it. */
function resolutionInfo(ppi: number): NonNullable<ImageDocument['psd']['imageResources']> {
  return {
    resolutionInfo: {
      horizontalResolution: ppi,
      horizontalResolutionUnit: 'PPI',
      widthUnit: 'Inches',
      verticalResolution: ppi,
      verticalResolutionUnit: 'PPI',
      heightUnit: 'Inches',
    },
  };
}

export async function documentCreate(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, PS_TYPES);
  const options = obj(ctx.body.options);
  const document = obj(options.document);
  const width = num(document.width) ?? 100;
  const height = num(document.height) ?? 100;
  // backgroundColor is Photoshop's default background swatch: white.
  const fill = document.fill === 'transparent' ? undefined : [255, 255, 255, 255];
  const doc = documentFromRaster(blankRaster(width, height, fill), 'Untitled-1.psd');
  if (!fill) doc.psd.children = [];
  const resolution = num(document.resolution);
  if (resolution !== undefined) doc.psd.imageResources = resolutionInfo(resolution);
  doc.edited = true;
  await runEdits(ctx, doc, v1LayerEdits(list(options.layers), 'options.layers'));
  await writeDocumentOutputs(ctx, doc, (o) => imageSpec(o, 'photoshop'));
  return {};
}

export async function smartObject(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, PS_TYPES);
  const options = obj(ctx.body.options);
  const doc = await ctx.loadDocument(requireMain(ctx), 'inputs[0]');
  const edits: LayerEdit[] = list(options.layers).map((layer, i) => {
    const add = layer.add ? obj(layer.add) : undefined;
    const edit: LayerEdit = {
      action: add ? 'add' : 'edit',
      path: `options.layers[${i}]`,
      target: ref(layer),
      imageHref: String(obj(layer.input).href),
      // The replaced smart object is written as a plain pixel layer (see README).
      rasterizeSmartObject: true,
    };
    if (typeof layer.name === 'string') edit.name = layer.name;
    if (typeof layer.visible === 'boolean') edit.visible = layer.visible;
    if (typeof layer.locked === 'boolean') edit.locked = layer.locked;
    if (layer.bounds) edit.bounds = obj(layer.bounds);
    if (add) {
      const placement = placementOf(add);
      if (placement) edit.placement = placement;
    }
    return edit;
  });
  await runEdits(ctx, doc, edits);
  await writeDocumentOutputs(ctx, doc, (o) => imageSpec(o, 'photoshop'));
  return {};
}

/**
 * Text edits change the text content in the PSD data and redraw the layer's pixels in the
 * emulator's bitmap font.
 */
export async function text(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, PS_TYPES);
  const options = obj(ctx.body.options);
  const doc = await ctx.loadDocument(requireMain(ctx), 'inputs[0]');
  const edits = list(options.layers).map((layer, i): LayerEdit => {
    const edit: LayerEdit = { action: 'edit', path: `options.layers[${i}]`, target: ref(layer) };
    const content = textContent(layer);
    if (content !== undefined) edit.text = content;
    if (typeof layer.visible === 'boolean') edit.visible = layer.visible;
    return edit;
  });
  await runEdits(ctx, doc, edits);
  // Edits that name a layer but change nothing keep the stored composite.
  doc.edited = edits.some((e) => e.visible !== undefined || e.text !== undefined);
  await writeDocumentOutputs(ctx, doc, (o) => imageSpec(o, 'photoshop'));
  return {};
}

export async function productCrop(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, PS_TYPES);
  const options = obj(ctx.body.options);
  const raster = await ctx.loadImage(requireMain(ctx), 'inputs[0]');
  const percent = options.unit === 'Percent';
  const padW = num(options.width) ?? 0;
  const padH = num(options.height) ?? 0;
  // Percent padding is relative to the image size.
  const padX = Math.round(percent ? (raster.width * padW) / 100 : padW);
  const padY = Math.round(percent ? (raster.height * padH) / 100 : padH);
  await writeRasterOutputs(ctx, cropToSubject(raster, padX, padY), (o) => imageSpec(o, 'action'));
  return {};
}

/** Depth blur without a depth map: a uniform Gaussian blur of `blurStrength` (default 50). */
export async function depthBlur(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, PS_TYPES);
  const options = obj(ctx.body.options);
  const raster = await ctx.loadImage(requireMain(ctx), 'inputs[0]');
  const blurred = await blurRaster(raster, num(options.blurStrength) ?? 50);
  await writeRasterOutputs(ctx, blurred, (o) => imageSpec(o, 'action'));
  return {};
}

/** Each input document placed side by side, 50 px apart, one layer per input. */
export async function artboardCreate(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, PS_TYPES);
  const inputs = list(obj(ctx.body.options).artboard);
  const images: { name: string; raster: Raster }[] = [];
  for (const [i, input] of inputs.entries()) {
    const href = String(input.href);
    const doc = await ctx.loadDocument(href, `options.artboard[${i}]`);
    images.push({ name: fileName(href, `Artboard ${i + 1}`), raster: renderDocument(doc) });
  }
  await writeDocumentOutputs(ctx, sideBySide(images, 50), (o) => imageSpec(o, 'photoshop'));
  return {};
}

export function notImplemented(what: string): (ctx: WorkContext) => Promise<JobResult> {
  return (ctx) => Promise.reject(new JobFailedError(failures.notImplemented(ctx.op.id, what)));
}

/** actionJSON: the batchPlay steps the emulator knows (image/action-json.ts), on the flattened image. */
export async function actionJson(ctx: WorkContext): Promise<JobResult> {
  requireWritable(ctx.outputs, PS_TYPES);
  const options = obj(ctx.body.options);
  if (
    options.additionalImages !== undefined ||
    options.patterns !== undefined ||
    options.brushes !== undefined
  ) {
    throw new JobFailedError(
      failures.notImplemented('options', 'actionJSON with additional images, patterns or brushes'),
    );
  }
  const steps = Array.isArray(options.actionJSON) ? (options.actionJSON as unknown[]) : [];
  const raster = await ctx.loadImage(requireMain(ctx), 'inputs[0]');
  await writeRasterOutputs(ctx, await playSteps(steps, raster, 'options.actionJSON'), (o) =>
    imageSpec(o, 'action'),
  );
  return {};
}

export async function playSteps(steps: unknown[], raster: Raster, path: string): Promise<Raster> {
  try {
    return await playActionJson(raster, steps);
  } catch (err) {
    if (err instanceof UnsupportedActionError) {
      throw new JobFailedError(
        failures.notImplemented(`${path}[${err.index}]`, `the batchPlay step "${err.step}"`),
      );
    }
    throw err;
  }
}
