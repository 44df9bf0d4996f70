import { type ToneEdits } from './tone';

/**
 * Camera Raw (`crs:`) develop settings read from an XMP packet or a Lightroom preset (.xmp),
 * both as attributes (`crs:Exposure2012="+0.50"`) and as elements (`<crs:Exposure2012>…`).
 */
export function readCrsSettings(xmp: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const m of xmp.matchAll(/crs:([A-Za-z0-9]+)\s*=\s*"([^"]*)"/g)) {
    if (m[1] !== undefined && m[2] !== undefined) settings.set(m[1], m[2]);
  }
  for (const m of xmp.matchAll(/<crs:([A-Za-z0-9]+)>([^<]*)<\/crs:\1>/g)) {
    if (m[1] !== undefined && m[2] !== undefined) settings.set(m[1], m[2].trim());
  }
  return settings;
}

/** crs settings the emulator applies, to the tone edit they drive. */
const APPLIED: Record<string, keyof ToneEdits> = {
  Exposure2012: 'exposure',
  Exposure: 'exposure',
  Contrast2012: 'contrast',
  Contrast: 'contrast',
  Blacks2012: 'blacks',
  Whites2012: 'whites',
  Saturation: 'saturation',
  Vibrance: 'vibrance',
  Sharpness: 'sharpness',
  LuminanceSmoothing: 'noiseReduction',
};

/**
 * crs settings that change the image in ways the emulator cannot approximate. Anything else in
 * the packet (version, process, profile, lens and metadata fields) does not change pixels here.
 */
const UNSUPPORTED = [
  'Highlights2012',
  'Shadows2012',
  'Clarity2012',
  'Clarity',
  'Dehaze',
  'Texture',
  'PostCropVignetteAmount',
  'VignetteAmount',
  'Temperature',
  'Tint',
  'IncrementalTemperature',
  'IncrementalTint',
  'ColorNoiseReduction',
  'GrainAmount',
  'SplitToningShadowSaturation',
  'SplitToningHighlightSaturation',
  'ColorGradeShadowSat',
  'ColorGradeMidtoneSat',
  'ColorGradeHighlightSat',
  'ColorGradeGlobalSat',
  'ConvertToGrayscale',
];
const UNSUPPORTED_PREFIXES = ['HueAdjustment', 'SaturationAdjustment', 'LuminanceAdjustment'];

export interface XmpEdits {
  edits: ToneEdits;
  /** Non-neutral settings the emulator cannot apply. */
  unsupported: string[];
}

function neutral(value: string): boolean {
  const n = Number(value);
  return value === '' || value === 'False' || value === 'false' || (Number.isFinite(n) && n === 0);
}

/** Tone edits from crs settings (later packets override earlier ones, as presets stack). */
export function xmpEdits(packets: readonly string[]): XmpEdits {
  const merged = new Map<string, string>();
  for (const packet of packets) for (const [k, v] of readCrsSettings(packet)) merged.set(k, v);
  const edits: ToneEdits = {};
  const unsupported: string[] = [];
  for (const [key, value] of merged) {
    const target = APPLIED[key];
    if (target) {
      const n = Number(value);
      if (Number.isFinite(n)) edits[target] = n;
      continue;
    }
    const refused =
      UNSUPPORTED.includes(key) || UNSUPPORTED_PREFIXES.some((prefix) => key.startsWith(prefix));
    if (refused && !neutral(value)) unsupported.push(key);
    if (key === 'WhiteBalance' && value !== 'As Shot') unsupported.push(key);
  }
  return { edits, unsupported };
}

const WRITTEN: Array<[keyof ToneEdits, string, number]> = [
  ['exposure', 'Exposure2012', 2],
  ['contrast', 'Contrast2012', 0],
  ['blacks', 'Blacks2012', 0],
  ['whites', 'Whites2012', 0],
  ['saturation', 'Saturation', 0],
  ['vibrance', 'Vibrance', 0],
  ['sharpness', 'Sharpness', 0],
  ['noiseReduction', 'LuminanceSmoothing', 0],
];

/**
 * An XMP sidecar (`application/rdf+xml`) holding the applied settings as Camera Raw `crs:`
 * attributes, so Lightroom or Camera Raw can reproduce the edit on the original.
 */
export function xmpPacket(edits: ToneEdits): string {
  const attributes = WRITTEN.flatMap(([key, name, decimals]) => {
    const value = edits[key];
    if (value === undefined) return [];
    const text = value.toFixed(decimals);
    return [`crs:${name}="${value > 0 ? `+${text}` : text}"`];
  });
  return [
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about=""',
    '    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"',
    '    crs:ProcessVersion="11.0"',
    ...attributes.map((a) => `    ${a}`),
    '  />',
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '',
  ].join('\n');
}
