import { type LayerSelection } from '../image/document';
import {
  type ImageOutputSpec,
  jpegQualityFrom12,
  jpegQualityFromV1,
  jpegQualityFromV2,
  pngLevelFromV1,
  pngLevelFromV2,
} from '../image/encode';
import { type OutputTarget } from './job-files';

function selection(raw: unknown): LayerSelection | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const ids = new Set<number>();
  const names = new Set<string>();
  for (const item of raw as Array<Record<string, unknown>>) {
    if (typeof item.id === 'number') ids.add(item.id);
    else if (typeof item.name === 'string') names.add(item.name);
  }
  return { ids, names };
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The image encoder's view of a request output, per family (their quality scales differ). */
export function imageSpec(
  output: OutputTarget,
  family: 'photoshop' | 'action' | 'lightroom' | 'sensei' | 'v2',
): ImageOutputSpec {
  const raw = output.raw;
  const layers = selection(raw.layers);
  const spec: ImageOutputSpec = { type: output.type };
  const width = num(raw.width);
  const maxWidth = num(raw.maxWidth);
  if (width !== undefined) spec.width = width;
  if (family === 'v2') {
    const height = num(raw.height);
    if (height !== undefined) spec.height = height;
    const cropMode = str(raw.cropMode);
    if (
      cropMode === 'trim_to_transparency' ||
      cropMode === 'layer_bounds' ||
      cropMode === 'document_bounds'
    ) {
      spec.cropMode = cropMode;
    }
  }
  if (maxWidth !== undefined) spec.maxWidth = maxWidth;
  if (layers) spec.layers = layers;
  // v1 renditions of chosen layers are layer-sized unless `trimToCanvas` asks for the canvas.
  if (layers && family === 'photoshop' && raw.trimToCanvas !== true) spec.layerSize = true;
  switch (family) {
    case 'photoshop':
      spec.quality = jpegQualityFromV1(num(raw.quality));
      spec.compressionLevel = pngLevelFromV1(str(raw.compression));
      break;
    case 'action':
    case 'lightroom':
      spec.quality = jpegQualityFrom12(num(raw.quality));
      spec.compressionLevel = pngLevelFromV1(str(raw.compression));
      break;
    case 'v2':
      spec.quality = jpegQualityFromV2(str(raw.quality));
      spec.compressionLevel = pngLevelFromV2(str(raw.compression));
      break;
    case 'sensei':
      spec.compressionLevel = 6;
      break;
  }
  return spec;
}
