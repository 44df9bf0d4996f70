import { type Layer, type PixelData, type Psd } from 'ag-psd';
import { applyAdjustment, fromAgPsd } from './adjustments';
import { blendFunction } from './blend-modes';
import { applyMask, blankRaster, blendOver, decodeWithSharp, type Raster } from './raster';
import { isPsd, readPsdFile } from './psd-io';

/** A document being worked on: ag-psd's tree plus what the emulator needs to know about it. */
export interface ImageDocument {
  psd: Psd;
  /** File name reported in manifests (last path segment of the input href). */
  name: string;
  /** Set once a layer or the canvas changes: the stored composite no longer shows the document. */
  edited: boolean;
  /** Set when text content changed, so a written PSD asks Photoshop to redraw text layers. */
  textEdited: boolean;
}

/** Converts any ag-psd pixel buffer (8, 16 or 32 bit) to 8-bit RGBA. */
export function toRaster(pixels: PixelData): Raster {
  const { width, height, data } = pixels;
  if (data instanceof Uint8ClampedArray) return { width, height, data };
  const out = new Uint8ClampedArray(width * height * 4);
  if (data instanceof Uint16Array) {
    for (let i = 0; i < out.length; i += 1) out[i] = (data[i] ?? 0) >> 8;
  } else if (data instanceof Float32Array) {
    for (let i = 0; i < out.length; i += 1) out[i] = (data[i] ?? 0) * 255;
  } else {
    out.set(data);
  }
  return { width, height, data: out };
}

export function asPixelData(raster: Raster): PixelData {
  return { width: raster.width, height: raster.height, data: raster.data };
}

/** Visits every layer (groups too), depth first, bottom to top as stored in the PSD. */
export function walkLayers(
  layers: readonly Layer[] | undefined,
  visit: (layer: Layer, parent: Layer[], depth: number) => void,
  depth = 0,
): void {
  if (!layers) return;
  for (const layer of layers) {
    visit(layer, layers as Layer[], depth);
    walkLayers(layer.children, visit, depth + 1);
  }
}

export function isGroup(layer: Layer): boolean {
  return layer.children !== undefined;
}

/** Gives every layer an id (PSDs written by other tools may lack them), keeping existing ones. */
function assignIds(psd: Psd): void {
  let max = 0;
  walkLayers(psd.children, (l) => {
    if (typeof l.id === 'number' && l.id > max) max = l.id;
  });
  walkLayers(psd.children, (l) => {
    if (typeof l.id !== 'number') {
      max += 1;
      l.id = max;
    }
  });
}

export function nextLayerId(psd: Psd): number {
  let max = 0;
  walkLayers(psd.children, (l) => {
    if (typeof l.id === 'number' && l.id > max) max = l.id;
  });
  return max + 1;
}

export function documentFromRaster(raster: Raster, name: string): ImageDocument {
  const psd: Psd = {
    width: raster.width,
    height: raster.height,
    channels: 4,
    bitsPerChannel: 8,
    colorMode: 3,
    imageData: asPixelData(raster),
    children: [
      {
        id: 1,
        name: 'Background',
        top: 0,
        left: 0,
        bottom: raster.height,
        right: raster.width,
        opacity: 1,
        blendMode: 'normal',
        imageData: asPixelData({ ...raster, data: new Uint8ClampedArray(raster.data) }),
      },
    ],
  };
  return { psd, name, edited: false, textEdited: false };
}

export async function loadDocument(bytes: Buffer, name: string): Promise<ImageDocument> {
  if (isPsd(bytes)) {
    const psd = readPsdFile(bytes, { pixels: true });
    assignIds(psd);
    return { psd, name, edited: false, textEdited: false };
  }
  return documentFromRaster(await decodeWithSharp(bytes), name);
}

/** Reads only the layer tree and header of a PSD (no pixels), for manifests. */
export function loadPsdStructure(bytes: Buffer, name: string): ImageDocument {
  const psd = readPsdFile(bytes, { pixels: false });
  assignIds(psd);
  return { psd, name, edited: false, textEdited: false };
}

export interface LayerSelection {
  ids: Set<number>;
  names: Set<string>;
}

function selected(layer: Layer, selection: LayerSelection): boolean {
  return (
    (typeof layer.id === 'number' && selection.ids.has(layer.id)) ||
    (layer.name !== undefined && selection.names.has(layer.name))
  );
}

/**
 * The union of the chosen layers' bounds (a chosen group counts its layers), clipped to the
 * canvas; undefined when they cover nothing.
 */
export function selectionBounds(
  doc: ImageDocument,
  selection: LayerSelection,
): { left: number; top: number; width: number; height: number } | undefined {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  const visit = (layers: readonly Layer[] | undefined, inherited: boolean): void => {
    for (const layer of layers ?? []) {
      const chosen = inherited || selected(layer, selection);
      if (isGroup(layer)) {
        visit(layer.children, chosen);
        continue;
      }
      if (!chosen || (layer.right ?? 0) <= (layer.left ?? 0)) continue;
      left = Math.min(left, Math.max(0, layer.left ?? 0));
      top = Math.min(top, Math.max(0, layer.top ?? 0));
      right = Math.max(right, Math.min(doc.psd.width, layer.right ?? 0));
      bottom = Math.max(bottom, Math.min(doc.psd.height, layer.bottom ?? 0));
    }
  };
  visit(doc.psd.children, false);
  if (!(right > left && bottom > top)) return undefined;
  return { left, top, width: right - left, height: bottom - top };
}

function compositeInto(
  target: Raster,
  layers: readonly Layer[] | undefined,
  selection: LayerSelection | undefined,
  inheritedSelected: boolean,
): void {
  for (const layer of layers ?? []) {
    if (layer.hidden) continue;
    const isSelected = inheritedSelected || !selection || selected(layer, selection);
    const opacity = layer.opacity ?? 1;
    if (layer.adjustment) {
      // An adjustment layer changes what lies below it (within its group, groups being isolated).
      const adjustment = fromAgPsd(layer.adjustment);
      if (adjustment && isSelected) applyAdjustment(target, adjustment, opacity);
      continue;
    }
    if (isGroup(layer)) {
      // Groups are composited in isolation and then blended with the group's opacity and mode
      // (pass-through groups are treated as normal: exact for normal-mode children).
      const group = blankRaster(target.width, target.height);
      compositeInto(group, layer.children, selection, isSelected);
      blendOver(target, group, 0, 0, opacity, blendFunction(layer.blendMode));
      continue;
    }
    if (!isSelected || !layer.imageData) continue;
    const left = layer.left ?? 0;
    const top = layer.top ?? 0;
    let pixels = toRaster(layer.imageData);
    const mask = layer.mask;
    if (mask?.imageData && !mask.disabled) {
      pixels = applyMask(pixels, left, top, {
        raster: toRaster(mask.imageData),
        left: mask.left ?? 0,
        top: mask.top ?? 0,
        defaultValue: mask.defaultColor ?? 0,
      });
    }
    blendOver(target, pixels, left, top, opacity, blendFunction(layer.blendMode));
  }
}

/**
 * The pixels of the document. An unedited PSD uses the composite Photoshop stored in the file
 * (its own rendering, effects included); anything edited, or a render of chosen layers, is
 * re-composited here: layer opacity, separable blend modes, enabled pixel masks and the
 * adjustment layers the emulator knows. Layer effects, clipping, vector masks and the
 * non-separable blend modes are not rendered.
 */
export function renderDocument(doc: ImageDocument, selection?: LayerSelection): Raster {
  const { psd } = doc;
  if (!doc.edited && !selection && psd.imageData) {
    const stored = toRaster(psd.imageData);
    return { ...stored, data: new Uint8ClampedArray(stored.data) };
  }
  const out = blankRaster(psd.width, psd.height);
  compositeInto(out, psd.children, selection, false);
  return out;
}
