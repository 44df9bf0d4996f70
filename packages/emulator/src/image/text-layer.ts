import { type Color, type Layer } from 'ag-psd';
import { asPixelData } from './document';
import { drawLine, layoutLine } from './text-raster';

/** The size text is drawn at when neither the text's style nor the layer's pixels give one. */
const FALLBACK_SIZE = 12;

function channel(value: number): number {
  return Math.min(255, Math.max(0, Math.round(Number.isFinite(value) ? value : 0)));
}

/** A text colour as RGB 0–255: ag-psd's `{ r, g, b }` or `{ fr, fg, fb }` (0–1); black otherwise. */
function rgbOf(color: Color | undefined): [number, number, number] {
  if (color && 'r' in color && 'g' in color) {
    return [channel(color.r), channel(color.g), channel(color.b)];
  }
  if (color && 'fr' in color) {
    return [channel(color.fr * 255), channel(color.fg * 255), channel(color.fb * 255)];
  }
  return [0, 0, 0];
}

/**
 * The text's size in document pixels: its font size times the vertical scale of its transform
 * (Photoshop keeps a scaled text's size in the transform), or the layer's height without one.
 */
function pixelSize(layer: Layer): number {
  const text = layer.text;
  const fontSize = text?.style?.fontSize ?? text?.styleRuns?.[0]?.style.fontSize;
  const t = text?.transform ?? [];
  const scale = Math.hypot(t[2] ?? 0, t[3] ?? 1);
  if (fontSize !== undefined && Number.isFinite(fontSize) && fontSize > 0) {
    return fontSize * (Number.isFinite(scale) && scale > 0 ? scale : 1);
  }
  const height = (layer.bottom ?? 0) - (layer.top ?? 0);
  return height > 0 ? height : FALLBACK_SIZE;
}

/**
 * Redraws a text layer's pixels for its (new) text, as Photoshop does when text changes, with
 * Darkroom's bitmap font: one line whose baseline stays where the text's transform puts it and
 * whose left edge stays where the layer's pixels began, in the text's fill colour. The layer
 * covers the part of the line inside the canvas; an empty line leaves it without pixels.
 */
export function redrawTextLayer(layer: Layer, canvas: { width: number; height: number }): void {
  const text = layer.text;
  if (!text) return;
  const t = text.transform ?? [];
  const hadPixels = (layer.right ?? 0) > (layer.left ?? 0);
  const left = Math.round((hadPixels ? layer.left : t[4]) ?? layer.left ?? 0);
  const baseline = Math.round(t[5] ?? layer.bottom ?? 0);
  const layout = layoutLine(text.text, pixelSize(layer));
  const top = baseline - layout.baseline;
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(canvas.width, left + layout.width);
  const y1 = Math.min(canvas.height, top + layout.height);
  delete layer.canvas;
  if (x1 <= x0 || y1 <= y0) {
    delete layer.imageData;
    Object.assign(layer, { left, top, right: left, bottom: top });
    return;
  }
  const colour = rgbOf(text.style?.fillColor ?? text.styleRuns?.[0]?.style.fillColor);
  const window = { left: x0 - left, top: y0 - top, width: x1 - x0, height: y1 - y0 };
  layer.imageData = asPixelData(drawLine(layout, colour, window));
  Object.assign(layer, { left: x0, top: y0, right: x1, bottom: y1 });
}
