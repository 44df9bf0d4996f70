import { type Layer, type TextStyle } from 'ag-psd';
import {
  CAP_ROWS,
  DESCENT_ROWS,
  FONT_CHARACTERS,
  MISSING_GLYPH,
  glyphOf,
} from '../src/image/bitmap-font';
import { type Raster } from '../src/image/raster';
import { redrawTextLayer } from '../src/image/text-layer';
import { drawLine, glyphsOfText, layoutLine } from '../src/image/text-raster';

const BLACK = [0, 0, 0] as const;

function inked(raster: Raster): number {
  let count = 0;
  for (let i = 3; i < raster.data.length; i += 4) if ((raster.data[i] ?? 0) > 0) count += 1;
  return count;
}

function draw(text: string, size = 10, colour: readonly [number, number, number] = BLACK) {
  return drawLine(layoutLine(text, size), colour);
}

describe('bitmap font', () => {
  const printable = Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) =>
    String.fromCharCode(0x20 + i),
  );

  it('has a glyph for every printable ASCII character, and no other', () => {
    expect([...FONT_CHARACTERS].sort()).toEqual([...printable].sort());
  });

  it.each(printable.map((c) => [c]))('glyph %j is rectangular and 7 to 9 rows tall', (c) => {
    const glyph = glyphOf(c);
    expect(glyph?.ink.every((row) => row.length === glyph.width)).toBe(true);
    expect(glyph?.ink.length).toBeGreaterThanOrEqual(CAP_ROWS);
    expect(glyph?.ink.length).toBeLessThanOrEqual(CAP_ROWS + DESCENT_ROWS);
  });

  it('draws ink for every printable character except space, and none for space', () => {
    const blank = printable.filter((c) => inked(draw(c)) === 0);
    expect(blank).toEqual([' ']);
    expect(draw(' ').width).toBeGreaterThan(0);
  });

  it('gives different characters different shapes', () => {
    const shapes = new Set(printable.map((c) => JSON.stringify(glyphOf(c)?.ink)));
    expect(shapes.size).toBe(printable.length);
  });
});

describe('text rasterizer', () => {
  it('draws é as e, and folds other Latin diacritics to their base letter', () => {
    expect(draw('é').data).toEqual(draw('e').data);
    expect(draw('Ünïcödé').data).toEqual(draw('Unicode').data);
    // Decomposed input (e + combining acute) too.
    expect(draw('e\u0301').data).toEqual(draw('e').data);
  });

  it('draws typographic quotes and dashes as their ASCII forms', () => {
    expect(draw('Soldes d’été').data).toEqual(draw("Soldes d'ete").data);
    expect(draw('“a” – b — c…').data).toEqual(draw('"a" - b - c...').data);
  });

  it('draws a character outside the font as one hollow box, without throwing', () => {
    expect(glyphsOfText('☃')).toEqual([MISSING_GLYPH]);
    // A character outside the BMP (two UTF-16 units) is still one box.
    expect(glyphsOfText('a😀b')).toEqual([glyphOf('a'), MISSING_GLYPH, glyphOf('b')]);
    const box = draw('☃', 20);
    expect(inked(box)).toBeGreaterThan(0);
    // Hollow: the middle of the box is not inked.
    const mid = (Math.floor(box.height * 0.35) * box.width + Math.floor(box.width / 2)) * 4;
    expect(box.data[mid + 3]).toBe(0);
  });

  it('scales with the font size: cap height ≈ 0.7 × size, box with room for descenders', () => {
    const small = layoutLine('Hg', 10);
    const large = layoutLine('Hg', 40);
    expect(large.baseline).toBe(28);
    expect(small.baseline).toBe(7);
    expect(large.width).toBe(small.width * 4);
    expect(large.height).toBeGreaterThan(large.baseline);
    // 'H' ends on the baseline, 'g' goes below it.
    const raster = drawLine(large, BLACK);
    const alphaAt = (x: number, y: number) => raster.data[(y * raster.width + x) * 4 + 3];
    expect(alphaAt(0, large.baseline - 1)).toBe(255);
    expect(alphaAt(0, large.baseline)).toBe(0);
    const gInk = Array.from({ length: raster.width }, (_, x) => alphaAt(x, large.height - 1));
    expect(gInk.some((a) => a === 255)).toBe(true);
  });

  it('grows with the text and inks in the given colour only', () => {
    expect(layoutLine('Summer sale', 20).width).toBeGreaterThan(layoutLine('Sale', 20).width);
    const red = draw('Sale', 20, [200, 30, 40]);
    const colours = new Set<string>();
    for (let i = 0; i < red.data.length; i += 4) {
      if (red.data[i + 3]) colours.add([...red.data.subarray(i, i + 4)].join(','));
    }
    expect([...colours]).toEqual(['200,30,40,255']);
  });

  it('draws only the window asked for', () => {
    const layout = layoutLine('Hello', 20);
    const full = drawLine(layout, BLACK);
    const part = drawLine(layout, BLACK, { left: 5, top: 3, width: 10, height: 6 });
    expect([part.width, part.height]).toEqual([10, 6]);
    for (let y = 0; y < 6; y += 1) {
      for (let x = 0; x < 10; x += 1) {
        expect(part.data[(y * 10 + x) * 4 + 3]).toBe(
          full.data[((y + 3) * full.width + x + 5) * 4 + 3],
        );
      }
    }
  });

  it('lays out an empty text as an empty line, and a tiny size without failing', () => {
    expect(layoutLine('', 20).width).toBe(0);
    expect(() => draw('Hello', 1)).not.toThrow();
    expect(() => draw('Hello', 0)).not.toThrow();
  });
});

describe('redrawing a text layer', () => {
  const canvas = { width: 200, height: 60 };
  const textLayer = (text: string, style?: TextStyle): Layer => ({
    name: 'Title',
    left: 12,
    top: 20,
    right: 80,
    bottom: 40,
    text: { text, transform: [1, 0, 0, 1, 10, 40], ...(style ? { style } : {}) },
  });

  it('keeps the baseline and left edge, and sizes pixels and bounds alike', () => {
    const layer = textLayer('Hi', { fontSize: 20, fillColor: { r: 1, g: 2, b: 3 } });
    redrawTextLayer(layer, canvas);
    // Cap height 14 above the baseline at y 40, descender room of 4 below it.
    expect([layer.left, layer.top, layer.bottom]).toEqual([12, 26, 44]);
    expect(layer.imageData?.width).toBe((layer.right ?? 0) - (layer.left ?? 0));
    expect(layer.imageData?.height).toBe((layer.bottom ?? 0) - (layer.top ?? 0));
    const data = layer.imageData?.data ?? new Uint8ClampedArray();
    expect([...data.subarray(0, 4)]).toEqual([1, 2, 3, 255]);
  });

  it('without a font size, draws at the height the layer had', () => {
    const layer = textLayer('Hi');
    redrawTextLayer(layer, canvas);
    // The old pixels were 20 rows tall: cap height 14, black.
    expect(layer.top).toBe(26);
    expect([...(layer.imageData?.data ?? new Uint8ClampedArray()).subarray(0, 4)]).toEqual([
      0, 0, 0, 255,
    ]);
  });

  it('keeps only the part inside the canvas, and no pixels for an empty text', () => {
    const long = textLayer('A long line that runs off the canvas', { fontSize: 20 });
    redrawTextLayer(long, canvas);
    expect(long.right).toBe(canvas.width);
    const empty = textLayer('', { fontSize: 20 });
    redrawTextLayer(empty, canvas);
    expect(empty.imageData).toBeUndefined();
    expect(empty.right).toBe(empty.left);
  });
});
