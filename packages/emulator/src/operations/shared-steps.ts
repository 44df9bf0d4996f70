import { type Layer } from 'ag-psd';
import {
  type ImageDocument,
  asPixelData,
  documentFromRaster,
  renderDocument,
  toRaster,
} from '../image/document';
import { foregroundMask } from '../image/background';
import {
  PSD_TYPES,
  encodeDocumentOutput,
  encodeRaster,
  renderForOutput,
  type ImageOutputSpec,
} from '../image/encode';
import { blankRaster, boundingBox, blendOver, cropRaster, type Raster } from '../image/raster';
import { JobFailedError, failures } from '../jobs/job-failure';
import { type OutputTarget } from './job-files';
import { type WorkContext } from './work-context';

export const IMAGE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/tiff',
  'image/gif',
  'image/webp',
]);

/** Fails the job when an output asks for a format the emulator cannot write. */
export function requireWritable(
  outputs: readonly OutputTarget[],
  allowed: ReadonlySet<string>,
): void {
  for (const output of outputs) {
    if (!allowed.has(output.type)) {
      throw new JobFailedError(
        failures.notImplemented(`${output.path}.type`, `writing ${output.type} outputs`),
      );
    }
  }
}

/** Writes every output of a document, each rendered per its own spec. */
export async function writeDocumentOutputs(
  ctx: WorkContext,
  doc: ImageDocument,
  specFor: (output: OutputTarget) => ImageOutputSpec,
  transform?: (raster: Raster) => Raster | Promise<Raster>,
): Promise<void> {
  for (const output of ctx.outputs) {
    const spec = specFor(output);
    let bytes: Buffer;
    if (transform && !PSD_TYPES.has(spec.type)) {
      bytes = await encodeRaster(await transform(renderForOutput(doc, spec)), spec);
    } else {
      bytes = await encodeDocumentOutput(doc, spec);
    }
    await ctx.write(output, bytes, spec.type);
  }
}

/** Writes a flat result image to every output (PSD outputs get a one-layer document). */
export async function writeRasterOutputs(
  ctx: WorkContext,
  raster: Raster,
  specFor: (output: OutputTarget) => ImageOutputSpec,
): Promise<void> {
  for (const output of ctx.outputs) {
    const spec = specFor(output);
    const bytes = PSD_TYPES.has(spec.type)
      ? await encodeDocumentOutput(documentFromRaster(raster, 'result.psd'), spec)
      : await encodeRaster(raster, spec);
    await ctx.write(output, bytes, spec.type);
  }
}

/**
 * Trim to the subject plus padding (product crop, v2 auto-crop). The subject is what the
 * border-colour flood fill does not reach; padding is in pixels or percent of the subject size.
 */
export function subjectBox(raster: Raster): {
  left: number;
  top: number;
  width: number;
  height: number;
} {
  const mask = foregroundMask(raster);
  return (
    boundingBox(raster, (i) => (mask[i] ?? 0) > 0) ?? {
      left: 0,
      top: 0,
      width: raster.width,
      height: raster.height,
    }
  );
}

export function cropToSubject(raster: Raster, padX: number, padY: number): Raster {
  const box = subjectBox(raster);
  return cropRaster(
    raster,
    box.left - padX,
    box.top - padY,
    box.width + 2 * padX,
    box.height + 2 * padY,
  );
}

/** Crops a document's layers and canvas to `bounds` (document canvasSize / v2 crop). */
export function cropDocument(
  doc: ImageDocument,
  bounds: { top: number; left: number; width: number; height: number },
): void {
  const shift = (layers: ImageDocument['psd']['children']): void => {
    for (const layer of layers ?? []) {
      if (layer.top !== undefined) layer.top -= bounds.top;
      if (layer.bottom !== undefined) layer.bottom -= bounds.top;
      if (layer.left !== undefined) layer.left -= bounds.left;
      if (layer.right !== undefined) layer.right -= bounds.left;
      shift(layer.children);
    }
  };
  const rendered = renderDocument(doc);
  shift(doc.psd.children);
  doc.psd.width = bounds.width;
  doc.psd.height = bounds.height;
  doc.psd.imageData = asPixelData(
    cropRaster(rendered, bounds.left, bounds.top, bounds.width, bounds.height),
  );
  doc.edited = true;
}

/** A new canvas holding several images side by side (artboards, approximated as layers). */
export function sideBySide(
  images: readonly { name: string; raster: Raster }[],
  spacing: number,
): ImageDocument {
  const width =
    images.reduce((sum, i) => sum + i.raster.width, 0) + spacing * Math.max(0, images.length - 1);
  const height = Math.max(1, ...images.map((i) => i.raster.height));
  const composite = blankRaster(width, height);
  const children: NonNullable<ImageDocument['psd']['children']> = [];
  let left = 0;
  images.forEach((image, i) => {
    blendOver(composite, image.raster, left, 0, 1);
    children.push({
      id: i + 1,
      name: image.name,
      top: 0,
      left,
      bottom: image.raster.height,
      right: left + image.raster.width,
      opacity: 1,
      blendMode: 'normal',
      imageData: asPixelData(image.raster),
    });
    left += image.raster.width + spacing;
  });
  return {
    psd: {
      width,
      height,
      channels: 4,
      bitsPerChannel: 8,
      colorMode: 3,
      children,
      imageData: asPixelData(composite),
    },
    name: 'artboards.psd',
    edited: false,
    textEdited: false,
  };
}

export function fileName(href: string | undefined, fallback: string): string {
  if (!href) return fallback;
  try {
    const last = new URL(href).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Layer thumbnails for a manifest: each pixel layer's own pixels (at its bounds) encoded as
 * `type` and served by the emulator for an hour; the URL of each, by layer id.
 */
export async function layerThumbnails(
  ctx: WorkContext,
  doc: ImageDocument,
  type: string,
): Promise<Map<number, string>> {
  const urls = new Map<number, string>();
  const layers: Layer[] = [];
  const collect = (list: readonly Layer[] | undefined): void => {
    for (const layer of list ?? []) {
      if (layer.imageData && typeof layer.id === 'number') layers.push(layer);
      collect(layer.children);
    }
  };
  collect(doc.psd.children);
  for (const layer of layers) {
    if (!layer.imageData || typeof layer.id !== 'number') continue;
    const pixels = toRaster(layer.imageData);
    if (pixels.width === 0 || pixels.height === 0) continue;
    const bytes = await encodeRaster(pixels, { type, quality: 85, compressionLevel: 6 });
    urls.set(layer.id, ctx.host(bytes, type, 60 * 60 * 1000));
  }
  return urls;
}

/** Sets each manifest layer's thumbnail from `urls` (v1: the URL; v2: `{mediaType, url}`). */
export function attachThumbnails<L extends { id: number; children?: L[] }>(
  layers: L[],
  urls: ReadonlyMap<number, string>,
  thumbnail: (url: string) => unknown,
): void {
  for (const entry of layers) {
    const url = urls.get(entry.id);
    if (url) (entry as Record<string, unknown>).thumbnail = thumbnail(url);
    if (entry.children) attachThumbnails(entry.children, urls, thumbnail);
  }
}
