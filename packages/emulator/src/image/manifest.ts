import { type Layer } from 'ag-psd';
import { manifestAdjustments } from './adjustments';
import { type ImageDocument, isGroup } from './document';

export interface ManifestLayer {
  id: number;
  index: number;
  type: string;
  name: string;
  locked: boolean;
  visible: boolean;
  bounds: { top: number; left: number; width: number; height: number };
  blendOptions: { opacity: number; blendMode: string };
  text?: { content: string };
  /** URL of the layer's own pixels, when thumbnails were asked for. */
  thumbnail?: string;
  adjustments?: Record<string, unknown>;
  smartObject?: { name?: string; linked: boolean; type?: string };
  children?: ManifestLayer[];
}

export interface ManifestDocument {
  name: string;
  width: number;
  height: number;
  imageMode: string;
  bitDepth: number;
  photoshopBuild?: string;
}

export interface Manifest {
  document: ManifestDocument;
  layers: ManifestLayer[];
}

/** PSD colour-mode numbers as Adobe's manifest names them. */
const IMAGE_MODES: Record<number, string> = {
  0: 'bitmap',
  1: 'greyscale',
  2: 'indexed',
  3: 'rgb',
  4: 'cmyk',
  7: 'multichannel',
  8: 'duotone',
  9: 'lab',
};

function layerType(layer: Layer, isBottom: boolean): string {
  if (isGroup(layer)) return 'layerSection';
  if (layer.text) return 'textLayer';
  if (layer.placedLayer) return 'smartObject';
  if (layer.adjustment) return 'adjustmentLayer';
  if (layer.vectorFill && !layer.imageData) return 'fillLayer';
  if (isBottom && layer.name === 'Background') return 'backgroundLayer';
  return 'layer';
}

function isLocked(layer: Layer): boolean {
  const p = layer.protected;
  return Boolean(p && (p.composite || p.position || p.transparency));
}

/**
 * The manifest's view of the layer tree: top layer first (as Photoshop's Layers panel and
 * Adobe's manifests list them), `index` counting every layer and group from the bottom (0).
 */
export function buildManifest(doc: ImageDocument): Manifest {
  const { psd } = doc;
  let counter = 0;
  const convert = (layers: readonly Layer[], topLevel: boolean): ManifestLayer[] => {
    const out: ManifestLayer[] = [];
    layers.forEach((layer, i) => {
      const children = isGroup(layer) ? convert(layer.children ?? [], false) : undefined;
      const top = layer.top ?? 0;
      const left = layer.left ?? 0;
      const entry: ManifestLayer = {
        id: layer.id ?? -1,
        index: counter,
        type: layerType(layer, topLevel && i === 0),
        name: layer.name ?? '',
        locked: isLocked(layer),
        visible: !layer.hidden,
        bounds: {
          top,
          left,
          width: Math.max(0, (layer.right ?? left) - left),
          height: Math.max(0, (layer.bottom ?? top) - top),
        },
        blendOptions: {
          opacity: Math.round((layer.opacity ?? 1) * 100),
          blendMode: layer.blendMode ?? 'normal',
        },
      };
      counter += 1;
      if (layer.text) entry.text = { content: layer.text.text };
      const adjustments = layer.adjustment ? manifestAdjustments(layer.adjustment) : undefined;
      if (adjustments) entry.adjustments = adjustments;
      if (layer.placedLayer) {
        const file = psd.linkedFiles?.find((f) => f.id === layer.placedLayer?.id);
        entry.smartObject = {
          linked: layer.placedLayer.type !== undefined && file?.data === undefined,
          ...(file?.name !== undefined ? { name: file.name } : {}),
          ...(file?.type !== undefined ? { type: file.type } : {}),
        };
      }
      if (children) {
        // A group's bounds are the union of its children's.
        entry.children = children;
        const union = unionBounds(children);
        if (union) entry.bounds = union;
      }
      out.push(entry);
    });
    return out.reverse();
  };
  const layers = convert(psd.children ?? [], true);
  return {
    document: {
      name: doc.name,
      width: psd.width,
      height: psd.height,
      imageMode: IMAGE_MODES[psd.colorMode ?? 3] ?? 'rgb',
      bitDepth: psd.bitsPerChannel ?? 8,
    },
    layers,
  };
}

function unionBounds(
  layers: readonly ManifestLayer[],
): { top: number; left: number; width: number; height: number } | undefined {
  let top = Infinity;
  let left = Infinity;
  let bottom = -Infinity;
  let right = -Infinity;
  for (const l of layers) {
    if (l.bounds.width === 0 || l.bounds.height === 0) continue;
    top = Math.min(top, l.bounds.top);
    left = Math.min(left, l.bounds.left);
    bottom = Math.max(bottom, l.bounds.top + l.bounds.height);
    right = Math.max(right, l.bounds.left + l.bounds.width);
  }
  if (!Number.isFinite(top)) return undefined;
  return { top, left, width: right - left, height: bottom - top };
}
