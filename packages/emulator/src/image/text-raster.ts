import {
  CAP_ROWS,
  DESCENT_ROWS,
  GLYPH_GAP,
  MISSING_GLYPH,
  glyphOf,
  type Glyph,
} from './bitmap-font';
import { blankRaster, type Raster } from './raster';

/**
 * Draws one line of text with Darkroom's bitmap font (`bitmap-font.ts`), so a rendition of an
 * edited text layer shows the new words: not in the document's font, but the right text, size,
 * colour and place. Any text draws; characters the font lacks never fail a job.
 */

/** Typographic characters drawn as the ASCII ones that stand for them. */
const SUBSTITUTES: Readonly<Record<string, string>> = {
  '\u2018': "'", // ‘
  '\u2019': "'", // ’
  '\u201A': "'", // ‚
  '\u201B': "'", // ‛
  '\u2032': "'", // ′
  '\u2039': '<', // ‹
  '\u203A': '>', // ›
  '\u201C': '"', // “
  '\u201D': '"', // ”
  '\u201E': '"', // „
  '\u201F': '"', // ‟
  '\u2033': '"', // ″
  '\u00AB': '"', // «
  '\u00BB': '"', // »
  '\u2010': '-', // hyphen
  '\u2011': '-', // non-breaking hyphen
  '\u2012': '-', // figure dash
  '\u2013': '-', // –
  '\u2014': '-', // —
  '\u2015': '-', // horizontal bar
  '\u2212': '-', // minus sign
  '\u00AD': '-', // soft hyphen
  '\u2026': '...', // …
  '\u2022': '*', // •
  '\u00B7': '.', // ·
  '\u00D7': 'x', // ×
  // Latin letters that are not a base letter plus a diacritic.
  '\u00DF': 'ss', // ß
  '\u00C6': 'AE', // Æ
  '\u00E6': 'ae', // æ
  '\u0152': 'OE', // Œ
  '\u0153': 'oe', // œ
  '\u00D8': 'O', // Ø
  '\u00F8': 'o', // ø
  '\u0141': 'L', // Ł
  '\u0142': 'l', // ł
  '\u0110': 'D', // Đ
  '\u0111': 'd', // đ
  '\u0131': 'i', // dotless i
};

/** Only the font's own characters, each one alone (so `'...'` is three glyphs). */
function inFont(chars: string): Glyph[] | undefined {
  const glyphs = [...chars].map(glyphOf);
  return glyphs.every((g) => g !== undefined) ? glyphs : undefined;
}

/**
 * The glyphs one character draws as: its own, its ASCII stand-in, its base letter without
 * diacritics (é → e), a space for any space or line break (the line is drawn as one), nothing
 * for invisible format characters, and a hollow box for anything else.
 */
function glyphsFor(char: string): Glyph[] {
  const substitute = SUBSTITUTES[char];
  const own = inFont(char) ?? (substitute === undefined ? undefined : inFont(substitute));
  if (own) return own;
  if (/^[\p{Zs}\p{Zl}\p{Zp}\p{Cc}]$/u.test(char)) return inFont(' ') ?? [];
  if (/^[\p{Cf}\p{M}]$/u.test(char)) return [];
  const base = char.normalize('NFD').replace(/\p{M}/gu, '');
  return (base !== '' && inFont(base)) || [MISSING_GLYPH];
}

/** The glyphs of a text, character by character (a character outside the BMP counts once). */
export function glyphsOfText(text: string): Glyph[] {
  return [...text.normalize('NFC')].flatMap(glyphsFor);
}

/** A glyph and where its cell starts on the line, in dots. */
interface PlacedGlyph {
  glyph: Glyph;
  x: number;
}

/** Where each glyph of a line goes, and the size of the line's box in pixels. */
export interface LineLayout {
  glyphs: PlacedGlyph[];
  /** Pixels per dot of the font. */
  scale: number;
  width: number;
  height: number;
  /** Pixel rows from the top of the box to the baseline. */
  baseline: number;
}

/**
 * Lays out `text` at a font size in pixels: the font's cap height is 0.7 × size, its dots
 * scaled from there (nearest neighbour), glyphs side by side with a one-dot gap.
 */
export function layoutLine(text: string, size: number): LineLayout {
  const scale = (0.7 * (Number.isFinite(size) && size > 0 ? size : 0)) / CAP_ROWS;
  const glyphs: PlacedGlyph[] = [];
  let x = 0;
  for (const glyph of glyphsOfText(text)) {
    if (glyphs.length > 0) x += GLYPH_GAP;
    glyphs.push({ glyph, x });
    x += glyph.width;
  }
  return {
    glyphs,
    scale,
    width: Math.round(x * scale),
    height: Math.round((CAP_ROWS + DESCENT_ROWS) * scale),
    baseline: Math.round(CAP_ROWS * scale),
  };
}

/** A rectangle in a line's pixel box: the part of the line to draw. */
export interface LineWindow {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Draws a laid-out line in `colour` (RGB, fully opaque where inked, transparent elsewhere).
 * With `window`, only that part of the line's box is drawn, into a raster of the window's size.
 */
export function drawLine(
  layout: LineLayout,
  colour: readonly [number, number, number],
  window: LineWindow = { left: 0, top: 0, width: layout.width, height: layout.height },
): Raster {
  const out = blankRaster(window.width, window.height);
  const [r, g, b] = colour;
  const s = layout.scale;
  // A dot covers the pixels between the rounded positions of its edges, so dots tile the line
  // without gaps or overlaps at any scale.
  const span = (from: number, offset: number, limit: number): [number, number] => [
    Math.max(0, Math.round(from * s) - offset),
    Math.min(limit, Math.round((from + 1) * s) - offset),
  ];
  for (const { glyph, x } of layout.glyphs) {
    glyph.ink.forEach((row, rowIndex) => {
      const [y0, y1] = span(rowIndex, window.top, window.height);
      if (y0 >= y1) return;
      row.forEach((inked, c) => {
        if (!inked) return;
        const [x0, x1] = span(x + c, window.left, window.width);
        for (let y = y0; y < y1; y += 1) {
          for (let i = (y * out.width + x0) * 4; i < (y * out.width + x1) * 4; i += 4) {
            out.data[i] = r;
            out.data[i + 1] = g;
            out.data[i + 2] = b;
            out.data[i + 3] = 255;
          }
        }
      });
    });
  }
  return out;
}
