import { type Layer } from 'ag-psd';
import {
  type V2Manifest,
  type V2ManifestLayer,
  type V2ManifestLayerType,
} from '@darkroom/photoshop';
import { manifestAdjustments } from './adjustments';
import { adobeBlendMode } from './blend-modes';
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
  fill?: { solidColor: { rgb: { red: number; green: number; blue: number } } };
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

/** The v1 manifest (`documentManifest`), in the vocabulary of Adobe's v1 manifest schema. */
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

type Kind = 'layer' | 'text' | 'adjustment' | 'group' | 'smartObject' | 'fill' | 'background';

/** Layer types by generation: v1 from specs/v1/PITS/layers_manifest.schema.json, v2 snake_case. */
const V1_TYPES: Record<Kind, string> = {
  layer: 'layer',
  text: 'textLayer',
  adjustment: 'adjustmentLayer',
  group: 'layerSection',
  smartObject: 'smartObject',
  fill: 'fillLayer',
  background: 'backgroundLayer',
};
const V2_TYPES: Record<Kind, V2ManifestLayerType> = {
  layer: 'layer',
  text: 'text_layer',
  adjustment: 'adjustment_layer',
  group: 'group_layer',
  smartObject: 'smart_object_layer',
  fill: 'solid_color_layer',
  background: 'background_layer',
};

/**
 * What kind of layer Photoshop would call this. Shape layers are fill layers with a vector mask
 * (ag-psd also keeps their rasterised pixels), so a layer with a vector fill is a fill layer.
 */
function kindOf(layer: Layer, isBottom: boolean): Kind {
  if (isGroup(layer)) return 'group';
  if (layer.text) return 'text';
  if (layer.placedLayer) return 'smartObject';
  if (layer.adjustment) return 'adjustment';
  if (layer.vectorFill) return 'fill';
  if (isBottom && layer.name === 'Background') return 'background';
  return 'layer';
}

function isLocked(layer: Layer): boolean {
  const p = layer.protected;
  return Boolean(p && (p.composite || p.position || p.transparency));
}

/** v2 `protection`: the locks that are on, `['all']` when every one is, else `['none']`. */
function protectionOf(layer: Layer): string[] {
  const p = layer.protected ?? {};
  const on = (['transparency', 'composite', 'position'] as const).filter((k) => p[k] === true);
  if (on.length === 3) return ['all'];
  return on.length > 0 ? [...on] : ['none'];
}

interface Edges {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** One layer as both manifests describe it, before either's spelling. */
interface LayerFacts {
  layer: Layer;
  kind: Kind;
  index: number;
  edges: Edges;
  children?: LayerFacts[];
}

function unionEdges(children: readonly LayerFacts[]): Edges | undefined {
  const drawn = children.filter(
    (c) => c.edges.right > c.edges.left && c.edges.bottom > c.edges.top,
  );
  if (drawn.length === 0) return undefined;
  return {
    left: Math.min(...drawn.map((c) => c.edges.left)),
    top: Math.min(...drawn.map((c) => c.edges.top)),
    right: Math.max(...drawn.map((c) => c.edges.right)),
    bottom: Math.max(...drawn.map((c) => c.edges.bottom)),
  };
}

/**
 * The layer tree, top layer first (as Photoshop's Layers panel and Adobe's manifests list it),
 * `index` counting every layer and group from the bottom (0). Adjustment and fill layers cover
 * the canvas, as Photoshop reports them; a group spans its layers.
 */
function describeLayers(doc: ImageDocument): LayerFacts[] {
  const canvas = { left: 0, top: 0, right: doc.psd.width, bottom: doc.psd.height };
  let counter = 0;
  const convert = (layers: readonly Layer[], topLevel: boolean): LayerFacts[] =>
    layers
      .map((layer, i): LayerFacts => {
        const children = isGroup(layer) ? convert(layer.children ?? [], false) : undefined;
        const kind = kindOf(layer, topLevel && i === 0);
        const own = {
          left: layer.left ?? 0,
          top: layer.top ?? 0,
          right: Math.max(layer.left ?? 0, layer.right ?? 0),
          bottom: Math.max(layer.top ?? 0, layer.bottom ?? 0),
        };
        const empty = own.right <= own.left || own.bottom <= own.top;
        let edges = own;
        if (children) edges = unionEdges(children) ?? canvas;
        else if (empty && (kind === 'adjustment' || kind === 'fill')) edges = canvas;
        const facts: LayerFacts = { layer, kind, index: counter, edges };
        counter += 1;
        if (children) facts.children = children;
        return facts;
      })
      .reverse();
  return convert(doc.psd.children ?? [], true);
}

function fillColor(layer: Layer): { red: number; green: number; blue: number } | undefined {
  const fill = layer.vectorFill;
  if (fill?.type !== 'color' || !('r' in fill.color)) return undefined;
  return { red: fill.color.r, green: fill.color.g, blue: fill.color.b };
}

function v1Layer(doc: ImageDocument, facts: LayerFacts): ManifestLayer {
  const { layer, edges } = facts;
  const entry: ManifestLayer = {
    id: layer.id ?? -1,
    index: facts.index,
    type: V1_TYPES[facts.kind],
    name: layer.name ?? '',
    locked: isLocked(layer),
    visible: !layer.hidden,
    bounds: {
      top: edges.top,
      left: edges.left,
      width: edges.right - edges.left,
      height: edges.bottom - edges.top,
    },
    blendOptions: {
      opacity: Math.round((layer.opacity ?? 1) * 100),
      blendMode: adobeBlendMode(layer.blendMode, 'v1'),
    },
  };
  if (layer.text) entry.text = { content: layer.text.text };
  const adjustments = layer.adjustment ? manifestAdjustments(layer.adjustment) : undefined;
  if (adjustments) entry.adjustments = adjustments;
  const rgb = fillColor(layer);
  if (rgb) entry.fill = { solidColor: { rgb } };
  if (layer.placedLayer) {
    const file = doc.psd.linkedFiles?.find((f) => f.id === layer.placedLayer?.id);
    entry.smartObject = {
      linked: layer.placedLayer.type !== undefined && file?.data === undefined,
      ...(file?.name !== undefined ? { name: file.name } : {}),
      ...(file?.type !== undefined ? { type: file.type } : {}),
    };
  }
  if (facts.children) entry.children = facts.children.map((c) => v1Layer(doc, c));
  return entry;
}

/** The v1 manifest of a document (`documentManifest`). */
export function buildManifest(doc: ImageDocument): Manifest {
  const { psd } = doc;
  return {
    document: {
      name: doc.name,
      width: psd.width,
      height: psd.height,
      imageMode: IMAGE_MODES[psd.colorMode ?? 3] ?? 'rgb',
      bitDepth: psd.bitsPerChannel ?? 8,
    },
    layers: describeLayers(doc).map((facts) => v1Layer(doc, facts)),
  };
}

/** v1 adjustment settings re-keyed the v2 way: a snake_case `type` beside the settings. */
function v2Adjustments(v1: Record<string, unknown>): Record<string, unknown> | undefined {
  const [key, value] = Object.entries(v1)[0] ?? [];
  if (key === undefined) return undefined;
  const settings = (value ?? {}) as Record<string, unknown>;
  if (key === 'exposure') {
    const { exposure, ...rest } = settings;
    return { type: 'exposure', exposure: { exposureValue: exposure, ...rest } };
  }
  if (key === 'hueSaturation') {
    const channels = (settings.channels ?? []) as Record<string, unknown>[];
    const adjustments = channels.map(({ channel: _channel, ...rest }) => rest);
    return {
      type: 'hue_saturation',
      hueSaturation: { colorize: settings.colorize, hueSaturationAdjustments: adjustments },
    };
  }
  return { type: key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), [key]: settings };
}

function v2Layer(doc: ImageDocument, facts: LayerFacts): V2ManifestLayer {
  const { layer } = facts;
  const entry: V2ManifestLayer = {
    id: layer.id ?? -1,
    index: facts.index,
    name: layer.name ?? '',
    type: V2_TYPES[facts.kind],
    visible: !layer.hidden,
    bounds: { ...facts.edges },
    protection: protectionOf(layer),
    blendOptions: {
      opacity: Math.round((layer.opacity ?? 1) * 100),
      blendMode: adobeBlendMode(layer.blendMode, 'v2'),
    },
  };
  if (facts.kind === 'background') {
    entry.backgroundLayer = true;
    entry.background = { canConvertToLayer: true };
  }
  if (layer.text) entry.text = { content: layer.text.text };
  const adjustments = layer.adjustment ? manifestAdjustments(layer.adjustment) : undefined;
  if (adjustments) entry.adjustments = v2Adjustments(adjustments);
  const rgb = fillColor(layer);
  if (rgb) entry.fill = { solidColor: { rgb } };
  if (layer.placedLayer) {
    const file = doc.psd.linkedFiles?.find((f) => f.id === layer.placedLayer?.id);
    const linked = layer.placedLayer.type !== undefined && file?.data === undefined;
    entry.smartObject = {
      isSmartObject: true,
      isLinked: linked,
      smartObjectData: {
        fileInfo: { linked, ...(file?.name !== undefined ? { name: file.name } : {}) },
      },
    };
  }
  if (facts.children) entry.children = facts.children.map((c) => v2Layer(doc, c));
  return entry;
}

/**
 * The v2 manifest of a document (`/v2/generate-manifest`), shaped as Adobe's v1-to-v2 manifest
 * response migration guide describes: `document.title`/`depth`/`bounds`, snake_case layer types,
 * `{left, top, right, bottom}` bounds, a `protection` array instead of `locked`.
 */
export function buildV2Manifest(doc: ImageDocument): V2Manifest {
  const { psd } = doc;
  return {
    document: {
      title: doc.name,
      bounds: { left: 0, top: 0, right: psd.width, bottom: psd.height },
      imageMode: IMAGE_MODES[psd.colorMode ?? 3] ?? 'rgb',
      depth: psd.bitsPerChannel ?? 8,
    },
    layers: describeLayers(doc).map((facts) => v2Layer(doc, facts)),
  };
}
