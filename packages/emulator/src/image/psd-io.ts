import { initializeCanvas, readPsd, writePsdBuffer, type Psd } from 'ag-psd';

// ag-psd's hook is typed with the DOM's ImageData, which this package (no DOM lib) cannot name;
// a plain object with the same fields is what ag-psd reads and writes.
type CreateImageData = NonNullable<Parameters<typeof initializeCanvas>[1]>;
const createImageData = ((width: number, height: number) => ({
  width,
  height,
  data: new Uint8ClampedArray(width * height * 4),
  colorSpace: 'srgb',
})) as unknown as CreateImageData;

let initialised = false;

/**
 * ag-psd needs a canvas factory even when it only deals in raw pixels. Node has no canvas, so it
 * gets a plain ImageData maker and a canvas maker that fails loudly: with `useImageData` every
 * pixel stays in `imageData` and no canvas is ever asked for.
 */
function ensureAgPsd(): void {
  if (initialised) return;
  initializeCanvas(() => {
    throw new Error('ag-psd asked for a canvas; the emulator reads pixels as ImageData only');
  }, createImageData);
  initialised = true;
}

export function isPsd(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.toString('latin1', 0, 4) === '8BPS';
}

export function readPsdFile(bytes: Buffer, options: { pixels: boolean }): Psd {
  ensureAgPsd();
  return readPsd(bytes, {
    useImageData: true,
    skipThumbnail: true,
    skipLayerImageData: !options.pixels,
    skipCompositeImageData: !options.pixels,
    skipLinkedFilesData: !options.pixels,
  });
}

export function writePsdFile(psd: Psd, options: { invalidateText: boolean }): Buffer {
  ensureAgPsd();
  return writePsdBuffer(psd, {
    generateThumbnail: false,
    invalidateTextLayers: options.invalidateText,
  });
}
