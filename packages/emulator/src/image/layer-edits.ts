import { type BlendMode, type Layer } from 'ag-psd';
import { type Adjustment, toAgPsd } from './adjustments';
import { type ImageDocument, asPixelData, nextLayerId, walkLayers } from './document';
import { EmulatorError } from '../emulator-error';
import { blankRaster, resizeRaster, type Raster } from './raster';
import { redrawTextLayer } from './text-layer';

export interface LayerRef {
  id?: number;
  name?: string;
}

export type Placement =
  { kind: 'above' | 'below' | 'into'; ref: LayerRef } | { kind: 'top' } | { kind: 'bottom' };

export interface EditBounds {
  top?: number;
  left?: number;
  width?: number;
  height?: number;
}

/** One layer change, already translated from either API generation. */
export interface LayerEdit {
  action: 'add' | 'edit' | 'move' | 'delete';
  /** The layer acted on (edit, move, delete); for `add`, unused. */
  target?: LayerRef;
  /** Field path of this edit in the request, for error messages. */
  path: string;
  /** New name (rename on edit when `target` is found by id; the name of an added layer). */
  name?: string;
  visible?: boolean;
  locked?: boolean;
  /** 0–1 */
  opacity?: number;
  /** Blend mode, in ag-psd's spelling (translated from Adobe's by `blendModeFromAdobe`). */
  blendMode?: BlendMode;
  /** Pixels to place: an input href fetched and decoded by the caller's loader. */
  imageHref?: string;
  bounds?: EditBounds;
  /** Solid colour fill covering the canvas (fill layers). */
  fill?: [number, number, number];
  placement?: Placement;
  /** New text content of a text layer (its pixels are redrawn in the emulator's bitmap font). */
  text?: string;
  /** Adjustment settings (adds an adjustment layer, or changes an existing one). */
  adjustment?: Adjustment;
  /** `add` of a group (layerSection). */
  group?: boolean;
  /** Smart-object replacement: drop the embedded smart-object link once pixels are replaced. */
  rasterizeSmartObject?: boolean;
}

export class LayerEditError extends EmulatorError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

interface Found {
  layer: Layer;
  siblings: Layer[];
}

function describe(ref: LayerRef): string {
  return ref.id !== undefined ? `id ${ref.id}` : `name "${ref.name ?? ''}"`;
}

export function findLayer(doc: ImageDocument, ref: LayerRef): Found | undefined {
  let found: Found | undefined;
  // Adobe matches on id first; a name matches the first layer (from the top) with that name.
  walkLayers(doc.psd.children, (layer, siblings) => {
    if (found) return;
    if (ref.id !== undefined ? layer.id === ref.id : layer.name === ref.name) {
      found = { layer, siblings };
    }
  });
  return found;
}

function detach(found: Found): void {
  const i = found.siblings.indexOf(found.layer);
  if (i >= 0) found.siblings.splice(i, 1);
}

function insert(
  doc: ImageDocument,
  layer: Layer,
  placement: Placement | undefined,
  path: string,
): void {
  doc.psd.children ??= [];
  const p = placement ?? { kind: 'top' };
  if (p.kind === 'top') {
    doc.psd.children.push(layer);
    return;
  }
  if (p.kind === 'bottom') {
    doc.psd.children.unshift(layer);
    return;
  }
  const anchor = findLayer(doc, p.ref);
  if (!anchor)
    throw new LayerEditError(`no layer with ${describe(p.ref)} to insert relative to`, path);
  if (p.kind === 'into') {
    if (!anchor.layer.children) {
      throw new LayerEditError(`layer ${describe(p.ref)} is not a group`, path);
    }
    anchor.layer.children.push(layer);
    return;
  }
  const i = anchor.siblings.indexOf(anchor.layer);
  // Siblings are stored bottom to top, so "above" is the next index.
  anchor.siblings.splice(p.kind === 'above' ? i + 1 : i, 0, layer);
}

async function placePixels(
  doc: ImageDocument,
  layer: Layer,
  edit: LayerEdit,
  loadImage: (href: string) => Promise<Raster>,
): Promise<void> {
  if (edit.imageHref === undefined) return;
  const source = await loadImage(edit.imageHref);
  const current = {
    top: layer.top ?? 0,
    left: layer.left ?? 0,
    width: (layer.right ?? 0) - (layer.left ?? 0),
    height: (layer.bottom ?? 0) - (layer.top ?? 0),
  };
  const b = edit.bounds ?? {};
  const top = b.top ?? (current.width > 0 ? current.top : 0);
  const left = b.left ?? (current.width > 0 ? current.left : 0);
  let width = b.width ?? (current.width > 0 ? current.width : source.width);
  let height = b.height ?? (current.height > 0 ? current.height : source.height);
  if (b.width !== undefined && b.height === undefined) {
    height = Math.max(1, Math.round((source.height * width) / source.width));
  } else if (b.height !== undefined && b.width === undefined) {
    width = Math.max(1, Math.round((source.width * height) / source.height));
  }
  const pixels = await resizeRaster(source, width, height);
  layer.imageData = asPixelData(pixels);
  layer.top = top;
  layer.left = left;
  layer.bottom = top + height;
  layer.right = left + width;
  delete layer.canvas;
  if (edit.rasterizeSmartObject) delete layer.placedLayer;
}

function applyProperties(doc: ImageDocument, layer: Layer, edit: LayerEdit): void {
  if (edit.visible !== undefined) layer.hidden = !edit.visible;
  if (edit.opacity !== undefined) layer.opacity = edit.opacity;
  if (edit.blendMode !== undefined) layer.blendMode = edit.blendMode;
  if (edit.locked !== undefined) {
    layer.protected = edit.locked
      ? { transparency: true, composite: true, position: true }
      : { transparency: false, composite: false, position: false };
  }
  if (edit.fill) {
    const [r, g, b] = edit.fill;
    const canvas = blankRaster(doc.psd.width, doc.psd.height, [r, g, b, 255]);
    layer.imageData = asPixelData(canvas);
    layer.top = 0;
    layer.left = 0;
    layer.right = doc.psd.width;
    layer.bottom = doc.psd.height;
  }
  if (edit.adjustment) layer.adjustment = toAgPsd(edit.adjustment);
  if (edit.text !== undefined) {
    if (!layer.text)
      throw new LayerEditError(`layer "${layer.name ?? ''}" is not a text layer`, edit.path);
    layer.text.text = edit.text;
    // Photoshop redraws the text on open (textEdited); renditions show it drawn here.
    redrawTextLayer(layer, doc.psd);
    doc.textEdited = true;
    doc.edited = true;
  }
}

/**
 * Applies layer edits in order, the way documentOperations / smartObject / v2 composite edits
 * describe them. Image inputs are fetched through `loadImage` (the job's one GET per href).
 */
export async function applyLayerEdits(
  doc: ImageDocument,
  edits: readonly LayerEdit[],
  loadImage: (href: string) => Promise<Raster>,
): Promise<void> {
  for (const edit of edits) {
    if (edit.action === 'add') {
      const layer: Layer = {
        id: nextLayerId(doc.psd),
        name: edit.name ?? `Layer ${nextLayerId(doc.psd)}`,
        opacity: 1,
        blendMode: 'normal',
        top: 0,
        left: 0,
        bottom: 0,
        right: 0,
      };
      if (edit.group) layer.children = [];
      await placePixels(doc, layer, edit, loadImage);
      applyProperties(doc, layer, edit);
      insert(doc, layer, edit.placement, edit.path);
      doc.edited = true;
      continue;
    }
    const ref = edit.target ?? {};
    const found = findLayer(doc, ref);
    if (!found) throw new LayerEditError(`no layer with ${describe(ref)}`, edit.path);
    if (edit.action === 'delete') {
      detach(found);
      doc.edited = true;
      continue;
    }
    if (edit.action === 'move') {
      detach(found);
      insert(doc, found.layer, edit.placement, edit.path);
      doc.edited = true;
      continue;
    }
    // edit: a rename only when the layer was found by id (a name identifies it otherwise).
    if (edit.name !== undefined && ref.id !== undefined) found.layer.name = edit.name;
    await placePixels(doc, found.layer, edit, loadImage);
    applyProperties(doc, found.layer, edit);
    if (edit.placement) {
      detach(found);
      insert(doc, found.layer, edit.placement, edit.path);
    }
    doc.edited = true;
  }
}
