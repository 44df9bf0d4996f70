import { initializeCanvas, type Layer } from 'ag-psd';

let agPsdReady = false;

/** Lets ag-psd write PSDs in Node, which has no canvas: it works on plain ImageData objects. */
export function ensureAgPsd(): void {
  if (agPsdReady) return;
  initializeCanvas(
    () => {
      throw new Error('no canvas in Node: Darkroom writes PSD pixels as ImageData');
    },
    (width: number, height: number) => ({
      width,
      height,
      data: new Uint8ClampedArray(width * height * 4),
      colorSpace: 'srgb',
    }),
  );
  agPsdReady = true;
}

export type Rgb = [number, number, number];
export type Rgba = [number, number, number, number];
/** ag-psd types pixels with the DOM's ImageData, which Node code cannot name. */
export type PixelData = NonNullable<Layer['imageData']>;

/** An RGBA pixel buffer painted by a function of (x, y). */
export function paint(
  width: number,
  height: number,
  colour: (x: number, y: number) => Rgba,
): Uint8ClampedArray {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = colour(x, y);
      const i = (y * width + x) * 4;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = a;
    }
  }
  return data;
}

/** Pixels as ag-psd takes them. */
export function pixelData(width: number, height: number, data: Uint8ClampedArray): PixelData {
  return { width, height, data, colorSpace: 'srgb' } as unknown as PixelData;
}

/** A pixel layer named `name` over the rectangle given, painted by a function of (x, y) in it. */
export function layer(
  name: string,
  left: number,
  top: number,
  width: number,
  height: number,
  colour: (x: number, y: number) => Rgba,
): Layer {
  return {
    name,
    left,
    top,
    right: left + width,
    bottom: top + height,
    imageData: pixelData(width, height, paint(width, height, colour)),
  };
}

/**
 * A one-line text layer: ag-psd's text data (font, size, colour, position), which Photoshop
 * draws and edits, over pixels that stand in for the glyphs, since ag-psd draws no text: one
 * block per word, as wide as the word, so a rendition shows where the line is and how long.
 */
export function textLayer(
  name: string,
  left: number,
  top: number,
  text: string,
  style: { fontSize: number; colour: Rgb },
): Layer {
  const { fontSize, colour } = style;
  const charWidth = Math.round(fontSize * 0.55);
  const words = text.split(/\s+/).filter(Boolean);
  const width = Math.max(
    1,
    words.reduce((sum, w) => sum + (w.length + 1) * charWidth, 0),
  );
  // Word blocks cover the x-height and a little more, resting on the baseline.
  const baseline = Math.round(fontSize * 0.8);
  const inkTop = Math.round(fontSize * 0.2);
  const ink = (x: number): boolean => {
    let start = 0;
    for (const word of words) {
      const end = start + word.length * charWidth;
      if (x >= start && x < end) return true;
      start = end + charWidth;
    }
    return false;
  };
  const [r, g, b] = colour;
  return {
    ...layer(name, left, top, width, fontSize, (x, y) =>
      ink(x) && y >= inkTop && y < baseline ? [r, g, b, 255] : [0, 0, 0, 0],
    ),
    text: {
      text,
      transform: [1, 0, 0, 1, left, top + baseline],
      style: { font: { name: 'ArialMT' }, fontSize, fillColor: { r, g, b } },
    },
  };
}

/**
 * The layers drawn over each other in order, bottom first ("normal" blending, full opacity): a
 * PSD's stored composite, which viewers that do not composite layers show.
 */
export function flatten(width: number, height: number, layers: readonly Layer[]): PixelData {
  const out = new Uint8ClampedArray(width * height * 4);
  for (const l of layers) {
    const source = l.imageData as unknown as { width: number; data: Uint8ClampedArray } | undefined;
    if (!source) continue;
    const left = l.left ?? 0;
    const top = l.top ?? 0;
    const rows = (l.bottom ?? top) - top;
    for (let y = Math.max(0, -top); y < rows && top + y < height; y++) {
      for (let x = Math.max(0, -left); x < source.width && left + x < width; x++) {
        const s = (y * source.width + x) * 4;
        const d = ((top + y) * width + left + x) * 4;
        const sa = (source.data[s + 3] ?? 0) / 255;
        if (sa === 0) continue;
        const da = (out[d + 3] ?? 0) / 255;
        const a = sa + da * (1 - sa);
        for (let c = 0; c < 3; c++) {
          out[d + c] = ((source.data[s + c] ?? 0) * sa + (out[d + c] ?? 0) * da * (1 - sa)) / a;
        }
        out[d + 3] = a * 255;
      }
    }
  }
  return pixelData(width, height, out);
}
