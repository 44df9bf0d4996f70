import { v2PngCompressionSchema } from '@darkroom/photoshop';
import {
  type ImageDocument,
  asPixelData,
  renderDocument,
  selectionBounds,
  type LayerSelection,
} from './document';
import { writePsdFile } from './psd-io';
import { blankRaster, boundingBox, cropRaster, sharpFromRaster, type Raster } from './raster';

export const PSD_TYPES = new Set(['image/vnd.adobe.photoshop', 'vnd.adobe.photoshop']);

/** One requested image output, already translated from either API generation. */
export interface ImageOutputSpec {
  /** Media type of the file to write. */
  type: string;
  /** Target width in px; 0 or absent keeps the document width. Height follows the aspect. */
  width?: number;
  /** Target height in px (v2); with a width too, the image fits inside both, aspect kept. */
  height?: number;
  /** v2 `cropMode`: trim transparent borders, or crop to the rendered layers' bounds. */
  cropMode?: 'trim_to_transparency' | 'layer_bounds' | 'document_bounds';
  /** Upper bound on width, applied when `width` is 0 or absent. */
  maxWidth?: number;
  /** sharp JPEG quality 1–100 (already mapped from the API's scale). */
  quality?: number;
  /** zlib level 0–9 (already mapped from the API's names). */
  compressionLevel?: number;
  /** Render only these layers. */
  layers?: LayerSelection;
  /**
   * With `layers`: the rendition is the size of those layers rather than of the canvas (v1
   * `trimToCanvas: false`, Adobe's default, in specs/v1/PITS/file_output.schema.json).
   */
  layerSize?: boolean;
  /** Keep only RGB (drop alpha) in PNG outputs, e.g. a Sensei mask with `color.space: rgb`. */
  dropAlpha?: boolean;
}

/** Adobe's v1 JPEG quality 1–7 mapped onto sharp's 1–100 (7 is Photoshop's "maximum"). */
const V1_JPEG_QUALITY = [30, 42, 55, 65, 75, 85, 95] as const;
export function jpegQualityFromV1(quality: number | undefined): number {
  return V1_JPEG_QUALITY[Math.min(7, Math.max(1, quality ?? 7)) - 1] ?? 95;
}

const V2_JPEG_QUALITY: Record<string, number> = {
  very_poor: 20,
  poor: 35,
  low: 50,
  medium: 65,
  high: 80,
  maximum: 92,
  photoshop_max: 100,
};
export function jpegQualityFromV2(quality: string | undefined): number {
  return V2_JPEG_QUALITY[quality ?? 'maximum'] ?? 92;
}

/** Action-family (1–12) and Lightroom (0–12) JPEG quality, both Photoshop's 0–12 scale. */
export function jpegQualityFrom12(quality: number | undefined): number {
  return Math.round(10 + (Math.min(12, Math.max(0, quality ?? 12)) / 12) * 90);
}

/**
 * v1 PNG `compression` names the resulting file size: `small` is the strongest zlib level,
 * `large` the weakest (Adobe's default).
 */
const V1_PNG_LEVEL: Record<string, number> = { small: 9, medium: 6, large: 1 };
export function pngLevelFromV1(compression: string | undefined): number {
  return V1_PNG_LEVEL[compression ?? 'large'] ?? 1;
}

/** The contract lists v2's PNG compression names from none to maximum: its index is zlib's level. */
const V2_PNG_LEVEL: readonly string[] = v2PngCompressionSchema.options;
export function pngLevelFromV2(compression: string | undefined): number {
  const level = V2_PNG_LEVEL.indexOf(compression ?? 'default');
  return level < 0 ? 6 : level;
}

function targetWidth(docWidth: number, spec: ImageOutputSpec): number | undefined {
  if (spec.width !== undefined && spec.width > 0) return spec.width;
  if (spec.maxWidth !== undefined && spec.maxWidth > 0 && spec.maxWidth < docWidth) {
    return spec.maxWidth;
  }
  return undefined;
}

/** Encodes pixels as JPEG, PNG, TIFF, GIF or WebP, resized per the output spec. */
export async function encodeRaster(raster: Raster, spec: ImageOutputSpec): Promise<Buffer> {
  let source = raster;
  if (spec.cropMode === 'trim_to_transparency' || spec.cropMode === 'layer_bounds') {
    // Both crop to what was drawn: a render of chosen layers is transparent outside them.
    const box = boundingBox(raster, (i) => (raster.data[i * 4 + 3] ?? 0) > 0);
    if (box) source = cropRaster(raster, box.left, box.top, box.width, box.height);
  }
  let image = sharpFromRaster(source);
  const width = targetWidth(source.width, spec);
  const height = spec.height !== undefined && spec.height > 0 ? spec.height : undefined;
  if (width !== undefined && height !== undefined) {
    image = image.resize({ width, height, fit: 'inside' });
  } else if (width !== undefined) {
    image = image.resize({ width });
  } else if (height !== undefined) {
    image = image.resize({ height });
  }
  switch (spec.type) {
    case 'image/jpeg':
      // JPEG has no alpha: transparent areas become white, as Photoshop's flatten does.
      return image
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: spec.quality ?? 92 })
        .toBuffer();
    case 'image/png':
      if (spec.dropAlpha) image = image.removeAlpha();
      return image.png({ compressionLevel: spec.compressionLevel ?? 6 }).toBuffer();
    case 'image/tiff':
      return image.tiff({ compression: 'lzw' }).toBuffer();
    case 'image/gif':
      return image.gif().toBuffer();
    case 'image/webp':
      return image.webp().toBuffer();
    default:
      throw new Error(`cannot encode ${spec.type}`);
  }
}

/** Writes the document as a PSD with ag-psd, its stored composite refreshed when edited. */
export function encodePsd(doc: ImageDocument): Buffer {
  if (doc.edited || !doc.psd.imageData) {
    doc.psd.imageData = asPixelData(renderDocument(doc));
  }
  return writePsdFile(doc.psd, { invalidateText: doc.textEdited });
}

/** The pixels of one image output: the chosen layers, at their own size when asked. */
export function renderForOutput(doc: ImageDocument, spec: ImageOutputSpec): Raster {
  const raster = renderDocument(doc, spec.layers);
  if (!spec.layers || !spec.layerSize) return raster;
  const box = selectionBounds(doc, spec.layers);
  return box ? cropRaster(raster, box.left, box.top, box.width, box.height) : raster;
}

/** Renders and encodes one output of a document. */
export async function encodeDocumentOutput(
  doc: ImageDocument,
  spec: ImageOutputSpec,
): Promise<Buffer> {
  if (PSD_TYPES.has(spec.type)) return encodePsd(doc);
  return encodeRaster(renderForOutput(doc, spec), spec);
}

/** A tiny image of the requested type, for `processing: 'placeholder'`. */
export async function placeholderBytes(type: string): Promise<Buffer> {
  if (type === 'application/json') return Buffer.from('{"placeholder":true}\n');
  if (type === 'application/rdf+xml') return Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>\n');
  const raster = blankRaster(4, 4, [128, 128, 128, 255]);
  if (PSD_TYPES.has(type)) {
    return encodePsd({
      psd: { width: 4, height: 4, imageData: asPixelData(raster) },
      name: 'placeholder.psd',
      edited: false,
      textEdited: false,
    });
  }
  const known = ['image/jpeg', 'image/png', 'image/tiff', 'image/gif', 'image/webp'];
  return encodeRaster(raster, { type: known.includes(type) ? type : 'image/png' });
}
