import { type OperationId } from '@darkroom/photoshop';
import { blendModeFromAdobe } from '../image/blend-modes';

/**
 * What the emulator does with each field of each operation's request: it honours the field (the
 * named module reads it and the result shows it) or refuses it, ending the job `failed` with
 * `NotImplementedByEmulator` naming the field. A field that is in neither list is refused too, so
 * nothing a caller sends is silently ignored. Paths use `.` for keys and `[]` for array items.
 */
export type FieldDecision =
  | {
      readonly kind: 'honoured';
      /** The module (under src/) whose code reads the field. */
      readonly by: string;
      /** A reason to refuse this value, for values the emulator cannot produce. */
      readonly check?: (value: unknown) => string | undefined;
    }
  | {
      readonly kind: 'refused';
      readonly reason: string;
      /** Values that ask for nothing (Adobe's defaults): sending them is not refused. */
      readonly neutral?: (value: unknown) => boolean;
    };

export type FieldTable = Readonly<Record<string, FieldDecision>>;

const PS = 'operations/photoshop-operations.ts';
const V2 = 'operations/v2-operations.ts';
const LR = 'operations/sensei-lightroom-operations.ts';
const MASKING = 'operations/masking-operations.ts';
const FILES = 'operations/job-files.ts';
const SPECS = 'operations/output-specs.ts';
const EDITS = 'operations/adjustment-options.ts';
const HREFS = 'validation/href-rules.ts';
const TRANSFER = 'jobs/transfer.ts';

function honoured(by: string, paths: readonly string[]): FieldTable {
  const decision: FieldDecision = { kind: 'honoured', by };
  return Object.fromEntries(paths.map((p) => [p, decision]));
}

function refused(
  reason: string,
  paths: readonly string[],
  neutral?: (value: unknown) => boolean,
): FieldTable {
  const decision: FieldDecision = neutral
    ? { kind: 'refused', reason, neutral }
    : { kind: 'refused', reason };
  return Object.fromEntries(paths.map((p) => [p, decision]));
}

/** Every field of `table` refused for `reason` (an endpoint that reads less of a shared block). */
function refusedAll(table: FieldTable, reason: string): FieldTable {
  return refused(reason, Object.keys(table));
}

function checked(by: string, path: string, check: (value: unknown) => string | undefined) {
  return { [path]: { kind: 'honoured', by, check } } as FieldTable;
}

function under(prefix: string, table: FieldTable): FieldTable {
  return Object.fromEntries(Object.entries(table).map(([p, d]) => [`${prefix}.${p}`, d]));
}

const oneOf =
  (allowed: readonly unknown[], what: string) =>
  (value: unknown): string | undefined =>
    allowed.includes(value) ? undefined : `${what} ${JSON.stringify(value)}`;

/** Overwriting is what every upload does; `false` (fail when the file exists) is not offered. */
const overwrite = (path: string): FieldTable =>
  refused('keeping an existing output file (overwrite false)', [path], (v) => v === true);

const CC = 'Creative Cloud and Lightroom storage (refused at submit: use a presigned URL)';
const ccPaths = (prefix: string): string[] =>
  ['creativeCloudFileId', 'creativeCloudPath', 'creativeCloudProjectId', 'lightroomPath'].map(
    (k) => `${prefix}.${k}`,
  );

const v1Ref = (prefix: string, container = FILES): FieldTable => ({
  ...honoured(container, [prefix.replace(/\[\]$/, '')]),
  ...honoured(FILES, [`${prefix}.href`]),
  ...honoured(HREFS, [`${prefix}.storage`]),
});

const v1Inputs = v1Ref('inputs[]');
const v1Outputs: FieldTable = {
  ...honoured(FILES, ['outputs', 'outputs[].href', 'outputs[].type']),
  ...honoured(TRANSFER, ['outputs[].storage']),
  ...honoured(SPECS, ['outputs[].quality', 'outputs[].compression']),
  ...overwrite('outputs[].overwrite'),
};
const v1ImageOutputs: FieldTable = {
  ...v1Outputs,
  ...honoured(SPECS, [
    'outputs[].width',
    'outputs[].maxWidth',
    'outputs[].layers',
    'outputs[].layers[].id',
    'outputs[].layers[].name',
    'outputs[].trimToCanvas',
  ]),
  ...refused('converting outputs to an ICC profile', ['outputs[].iccProfile']),
};

const FONTS = "choosing fonts (edited text is drawn in the emulator's own bitmap font)";
const v1Fonts = refused(FONTS, [
  'options.fonts',
  'options.globalFont',
  'options.manageMissingFonts',
]);

const insert = (action: 'add' | 'move'): FieldTable =>
  honoured(
    PS,
    [
      action,
      ...['insertAbove', 'insertBelow', 'insertInto'].flatMap((k) => [k, `${k}.id`, `${k}.name`]),
      'insertTop',
      'insertBottom',
    ].map((p) => (p === action ? p : `${action}.${p}`)),
  );

const v1Adjustments = honoured(EDITS, [
  'adjustments',
  ...['brightnessContrast', 'brightness_contrast'].flatMap((k) => [
    k,
    `${k}.brightness`,
    `${k}.contrast`,
  ]),
  'exposure',
  'exposure.exposure',
  'exposure.offset',
  'exposure.gammaCorrection',
  ...['hueSaturation', 'hue_saturation'].flatMap((k) => [
    k,
    `${k}.colorize`,
    `${k}.channels`,
    `${k}.channels[].channel`,
    `${k}.channels[].hue`,
    `${k}.channels[].saturation`,
    `${k}.channels[].lightness`,
  ]),
  ...['colorBalance', 'color_balance'].flatMap((k) => [
    k,
    `${k}.preserveLuminosity`,
    `${k}.shadowLevels`,
    `${k}.midtoneLevels`,
    `${k}.highlightLevels`,
    `${k}.hightoneLevels`,
  ]),
]);

const V1_ADDABLE = ['layer', 'textLayer', 'adjustmentLayer', 'layerSection', 'fillLayer'];

/** `options.layers[]` of documentOperations and documentCreate. */
const v1LayerFields: FieldTable = {
  ...honoured(PS, ['id', 'name', 'visible', 'locked', 'edit', 'delete']),
  ...refused('keeping a deleted group’s children', ['delete.includeChildren'], (v) => v === true),
  ...checked(PS, 'type', oneOf(V1_ADDABLE, 'layers of type')),
  ...insert('add'),
  ...insert('move'),
  ...honoured(PS, ['bounds', 'bounds.top', 'bounds.left', 'bounds.width', 'bounds.height']),
  ...v1Ref('input'),
  ...honoured(PS, ['blendOptions', 'blendOptions.opacity']),
  ...checked(PS, 'blendOptions.blendMode', (v) =>
    blendModeFromAdobe(v) ? undefined : `rendering the blend mode ${JSON.stringify(v)}`,
  ),
  ...honoured(PS, ['fill', 'fill.solidColor', 'fill.solidColor.rgb']),
  ...honoured(PS, [
    'fill.solidColor.rgb.red',
    'fill.solidColor.rgb.green',
    'fill.solidColor.rgb.blue',
  ]),
  ...honoured(PS, ['text', 'text.content', 'text.contents']),
  ...v1Adjustments,
  ...refused('placing layers by index (use id or name)', ['index']),
  ...refused('nested layer edits (children)', ['children']),
  ...refused('layer masks', ['mask']),
  ...refused('smart-object settings of a layer edit (use the smartObject endpoint)', [
    'smartObject',
  ]),
};

const psImage = (options: FieldTable): FieldTable => ({
  ...v1Inputs,
  ...v1ImageOutputs,
  ...options,
});
const actionOutputs: FieldTable = { ...v1Inputs, ...v1Outputs };

const DEPTH_BLUR_FIELDS = [
  'focalDistance',
  'focalRange',
  'focalSelector',
  'focusSubject',
  'haze',
  'temp',
  'tint',
  'saturation',
  'brightness',
  'grain',
].map((k) => `options.${k}`);

const senseiFields: FieldTable = {
  ...honoured(FILES, ['input', 'input.href', 'output', 'output.href']),
  ...honoured(HREFS, ['input.storage']),
  ...honoured(TRANSFER, ['output.storage']),
  ...honoured(LR, ['output.mask', 'output.mask.format', 'output.color', 'output.color.space']),
  ...overwrite('output.overwrite'),
  ...refused('choosing a model (optimize, service version)', ['options']),
};

const lrOutputs: FieldTable = {
  ...honoured(FILES, ['outputs', 'outputs[].href', 'outputs[].type']),
  ...honoured(TRANSFER, ['outputs[].storage']),
  ...honoured(SPECS, ['outputs[].quality']),
  ...overwrite('outputs[].overwrite'),
};
const lrSource = { ...v1Ref('inputs.source'), ...honoured(FILES, ['inputs']) };

const LR_TONE = [
  'Exposure',
  'Contrast',
  'Saturation',
  'Vibrance',
  'Blacks',
  'Whites',
  'Sharpness',
  'NoiseReduction',
];
const LR_OTHER = [
  'Highlights',
  'Shadows',
  'Clarity',
  'Dehaze',
  'Texture',
  'VignetteAmount',
  'ColorNoiseReduction',
  'SharpenRadius',
  'SharpenDetail',
  'SharpenEdgeMasking',
  'WhiteBalance',
];

const v2Source = (prefix: string): FieldTable => ({
  ...honoured(FILES, [prefix, `${prefix}.url`]),
  ...refused(CC, ccPaths(prefix)),
});

const v2Outputs = (mediaTypesOnly = false): FieldTable => ({
  ...honoured(FILES, ['outputs', 'outputs[].destination', 'outputs[].mediaType']),
  ...honoured(FILES, [
    'outputs[].destination.url',
    'outputs[].destination.embedded',
    'outputs[].destination.validityPeriod',
  ]),
  ...honoured(FILES, ['outputs[].destination.storageType']),
  ...refused(CC, [
    'outputs[].destination.creativeCloudPath',
    'outputs[].destination.creativeCloudProjectId',
  ]),
  ...(mediaTypesOnly ? {} : v2ImageOutputOptions),
});

const v2ImageOutputOptions: FieldTable = {
  ...honoured(SPECS, [
    'outputs[].width',
    'outputs[].height',
    'outputs[].maxWidth',
    'outputs[].quality',
    'outputs[].compression',
    'outputs[].cropMode',
    'outputs[].layers',
    'outputs[].layers[].id',
    'outputs[].layers[].name',
  ]),
  ...refused('converting outputs to an ICC profile', ['outputs[].iccProfile']),
  ...refused('choosing the resampling method', ['outputs[].resample']),
  ...refused('naming script outputs', ['outputs[].scriptOutputPattern']),
  ...refused('keeping an existing output file', ['outputs[].shouldOverwrite'], (v) => v === true),
};

const v2NewImage: FieldTable = {
  ...v2Source('image.source'),
  ...honoured(V2, ['image', 'image.width', 'image.height', 'image.fill', 'image.name']),
  ...refused('documents other than 8-bit', ['image.depth'], (v) => v === '8'),
  ...refused('documents other than RGB', ['image.mode'], (v) => v === 'rgb'),
};

const V2_ADDABLE = [
  'layer',
  'text_layer',
  'adjustment_layer',
  'group_layer',
  'solid_color_layer',
  'smart_object_layer',
];

const v2Adjustments = honoured(EDITS, [
  'adjustments',
  'adjustments.type',
  'adjustments.brightnessContrast',
  'adjustments.brightnessContrast.brightness',
  'adjustments.brightnessContrast.contrast',
  'adjustments.exposure',
  'adjustments.exposure.exposureValue',
  'adjustments.exposure.offset',
  'adjustments.exposure.gammaCorrection',
  'adjustments.hueSaturation',
  'adjustments.hueSaturation.colorize',
  'adjustments.hueSaturation.hueSaturationAdjustments',
  'adjustments.hueSaturation.hueSaturationAdjustments[].hue',
  'adjustments.hueSaturation.hueSaturationAdjustments[].saturation',
  'adjustments.hueSaturation.hueSaturationAdjustments[].lightness',
  'adjustments.hueSaturation.hueSaturationAdjustments[].localRange',
  'adjustments.colorBalance',
  'adjustments.colorBalance.preserveLuminosity',
  'adjustments.colorBalance.shadowLevels',
  'adjustments.colorBalance.midtoneLevels',
  'adjustments.colorBalance.highlightLevels',
]);

/** `edits.layers[]` of create-composite. */
const v2LayerFields: FieldTable = {
  ...honoured(V2, [
    'id',
    'name',
    'isVisible',
    'operation',
    'operation.type',
    'operation.placement',
  ]),
  ...honoured(V2, [
    'operation.placement.type',
    'operation.placement.referenceLayer',
    'operation.placement.referenceLayer.id',
    'operation.placement.referenceLayer.name',
  ]),
  ...checked(V2, 'type', oneOf(V2_ADDABLE, 'layers of type')),
  ...v2Source('image.source'),
  ...honoured(V2, ['image', 'blendOptions', 'blendOptions.opacity']),
  ...checked(V2, 'blendOptions.blendMode', (v) =>
    blendModeFromAdobe(v) ? undefined : `rendering the blend mode ${JSON.stringify(v)}`,
  ),
  ...honoured(V2, [
    'transform',
    'transform.offset',
    'transform.offset.horizontal',
    'transform.offset.vertical',
  ]),
  ...honoured(V2, [
    'transform.dimension',
    'transform.dimension.width',
    'transform.dimension.height',
  ]),
  ...honoured(V2, ['text', 'text.content']),
  ...honoured(V2, ['fill', 'fill.solidColor', 'fill.solidColor.rgb']),
  ...honoured(V2, [
    'fill.solidColor.rgb.red',
    'fill.solidColor.rgb.green',
    'fill.solidColor.rgb.blue',
  ]),
  ...v2Adjustments,
  ...honoured(V2, ['smartObject', 'smartObject.smartObjectFile']),
  ...v2Source('smartObject.smartObjectFile.source'),
  ...refused('linked smart objects', ['smartObject.isLinked'], (v) => v === false),
  ...refused('pixel masks', ['pixelMask']),
};

const v2Fonts = refused(FONTS, ['fontOptions']);

/** Every operation's fields. An operation the emulator does not run has all its fields refused. */
export const fieldSupport: Readonly<Partial<Record<OperationId, FieldTable>>> = {
  renditionCreate: psImage({}),
  documentManifest: {
    ...v1Inputs,
    ...honoured(PS, ['options', 'options.thumbnails', 'options.thumbnails.type']),
  },
  documentOperations: psImage({
    ...honoured(PS, ['options', 'options.layers']),
    ...under('options.layers[]', v1LayerFields),
    ...honoured(PS, [
      'options.document',
      'options.document.imageSize',
      'options.document.imageSize.width',
      'options.document.imageSize.height',
      'options.document.canvasSize',
      'options.document.canvasSize.bounds',
      'options.document.canvasSize.bounds.top',
      'options.document.canvasSize.bounds.left',
      'options.document.canvasSize.bounds.width',
      'options.document.canvasSize.bounds.height',
      'options.document.trim',
      'options.document.trim.basedOn',
    ]),
    ...v1Fonts,
  }),
  documentCreate: {
    ...v1ImageOutputs,
    ...honoured(PS, ['options', 'options.layers']),
    ...under('options.layers[]', v1LayerFields),
    ...honoured(PS, ['options.document', 'options.document.width', 'options.document.height']),
    ...honoured(PS, ['options.document.fill', 'options.document.resolution']),
    ...refused('documents other than RGB', ['options.document.mode'], (v) => v === 'rgb'),
    ...refused('documents other than 8-bit', ['options.document.depth'], (v) => v === 8),
    ...v1Fonts,
  },
  smartObject: psImage({
    ...honoured(PS, ['options', 'options.layers']),
    ...under('options.layers[]', {
      ...honoured(PS, ['id', 'name', 'visible', 'locked']),
      ...honoured(PS, ['bounds', 'bounds.top', 'bounds.left', 'bounds.width', 'bounds.height']),
      ...insert('add'),
      ...v1Ref('input'),
    }),
  }),
  text: psImage({
    ...honoured(PS, ['options', 'options.layers']),
    ...under('options.layers[]', {
      ...refusedAll(v1LayerFields, 'layer settings other than text content and visibility'),
      ...honoured(PS, ['id', 'name', 'visible', 'text', 'text.content', 'text.contents']),
    }),
    ...v1Fonts,
  }),
  actionJSON: {
    ...actionOutputs,
    ...honoured(PS, ['options', 'options.actionJSON']),
    ...refused('actionJSON with additional images, patterns or brushes', [
      'options.additionalImages',
      'options.patterns',
      'options.brushes',
    ]),
    ...refused(FONTS, ['options.fonts']),
  },
  productCrop: {
    ...actionOutputs,
    ...honoured(PS, ['options', 'options.unit', 'options.width', 'options.height']),
  },
  depthBlur: {
    ...actionOutputs,
    ...honoured(PS, ['options', 'options.blurStrength']),
    ...refused('depth-aware blur settings (the blur is uniform)', DEPTH_BLUR_FIELDS),
  },
  artboardCreate: {
    ...v1ImageOutputs,
    ...honoured(PS, ['options', 'options.artboard']),
    ...v1Ref('options.artboard[]', PS),
  },
  cutout: senseiFields,
  mask: senseiFields,
  autoTone: { ...lrOutputs, ...v1Ref('inputs') },
  autoStraighten: {
    ...lrOutputs,
    ...v1Ref('inputs'),
    ...honoured(LR, ['options', 'options.constrainCrop']),
    ...checked(LR, 'options.uprightMode', oneOf(['auto', 'level'], 'perspective correction')),
  },
  presets: {
    ...lrOutputs,
    ...lrSource,
    ...honoured(LR, ['inputs.presets']),
    ...v1Ref('inputs.presets[]', LR),
  },
  xmp: {
    ...lrOutputs,
    ...lrSource,
    ...honoured(LR, ['options', 'options.xmp']),
    ...refused('changing the orientation', ['options.orientation'], (v) => v === 1),
  },
  edit: {
    ...lrOutputs,
    ...lrSource,
    ...honoured(LR, ['options', ...LR_TONE.map((k) => `options.${k}`)]),
    ...refused(
      'these Lightroom settings',
      LR_OTHER.map((k) => `options.${k}`),
      (v) => v === 0 || v === 'As Shot',
    ),
  },
  'v2.createComposite': {
    ...v2Outputs(),
    ...v2NewImage,
    ...honoured(V2, ['edits', 'edits.layers']),
    ...under('edits.layers[]', v2LayerFields),
    ...honoured(V2, ['edits.document', 'edits.document.crop', 'edits.document.crop.bounds']),
    ...honoured(V2, [
      'edits.document.crop.bounds.top',
      'edits.document.crop.bounds.left',
      'edits.document.crop.bounds.right',
      'edits.document.crop.bounds.bottom',
    ]),
    ...v2Fonts,
  },
  'v2.edit': {
    ...v2Outputs(true),
    ...honoured(SPECS, ['outputs[].quality']),
    ...v2Source('image.source'),
    ...honoured(V2, ['image', 'edits', 'edits.autoTone', 'edits.autoStraighten']),
    ...honoured(V2, ['edits.autoStraighten.enabled', 'edits.autoStraighten.constrainCrop']),
    ...honoured(V2, ['edits.presets', 'edits.presets[].url']),
    ...refused(CC, ccPaths('edits.presets[]')),
    ...honoured(V2, ['edits.xmp']),
    ...v2Source('edits.xmp.source'),
    ...refused('XMP masks', ['edits.xmp.masks']),
    ...honoured(V2, [
      'edits.light',
      ...['exposure', 'contrast', 'blacks', 'whites'].map((k) => `edits.light.${k}`),
    ]),
    ...honoured(V2, [
      'edits.color',
      'edits.color.saturation',
      'edits.color.vibrance',
      'edits.sharpness',
    ]),
    ...honoured(V2, ['edits.noiseReduction', 'edits.noiseReduction.luminance']),
  },
  'v2.executeActions': {
    ...v2Outputs(),
    ...v2NewImage,
    ...honoured(V2, ['options', 'options.actions', 'options.actions[].source']),
    ...honoured(V2, ['options.actions[].source.content', 'options.actions[].source.contentType']),
    ...refused('playing Photoshop actions (.atn)', [
      'options.actions[].source.url',
      'options.actions[].actionName',
    ]),
    ...refused(CC, ccPaths('options.actions[].source')),
    ...refused('actions with additional contents, brushes or patterns', [
      'options.additionalContents',
      'options.brushes',
      'options.patterns',
    ]),
    ...refused(FONTS, ['options.fontOptions']),
    ...refused('UXP scripts', ['options.uxp']),
  },
  'v2.generateManifest': {
    ...v2Outputs(true),
    ...v2Source('image.source'),
    ...honoured(V2, [
      'image',
      'includeLayerThumbnails',
      'exportOptions',
      'exportOptions.mediaType',
    ]),
    ...refused('XMP in manifests', ['includeXmp'], (v) => v === false),
    ...refused('extracting smart-object data', ['extractSmartObjectData'], (v) => v === false),
    ...refused('trimming layers to transparency', ['trimToTransparency'], (v) => v === false),
    ...refused('limiting thumbnail depth', ['maximumThumbnailDepth'], (v) => v === 0),
  },
  'v2.createArtboard': {
    ...v2Outputs(),
    ...honoured(V2, ['images', 'artboardSpacing']),
    ...v2Source('images[].source'),
  },
  'v2.autoCrop': {
    ...honoured(V2, ['image', 'image.source', 'image.source.url', 'image.mediaType']),
    ...honoured(V2, ['mode', 'aspectRatio', 'zoom', 'outputType']),
    ...refused('focusing crops on named objects', ['focus']),
  },
  'v2.removeBackground': {
    ...honoured(MASKING, ['image', 'image.source', 'image.source.url', 'mode', 'trim']),
    ...honoured(MASKING, ['colorDecontamination', 'backgroundColor', 'output', 'output.mediaType']),
    ...honoured(MASKING, ['backgroundColor.red', 'backgroundColor.green', 'backgroundColor.blue']),
    ...honoured(MASKING, ['backgroundColor.alpha', 'output.destination']),
    ...honoured(MASKING, ['output.destination.url', 'output.destination.storageType']),
    ...honoured(MASKING, ['output.destination.validityPeriod']),
    ...refused('embedding the result in the status reply', ['output.destination.embedded']),
    ...refused(CC, [
      'output.destination.creativeCloudPath',
      'output.destination.creativeCloudProjectId',
    ]),
  },
  maskObjects: honoured(MASKING, ['image', 'image.source', 'image.source.url']),
  refineMask: honoured(MASKING, [
    'image',
    'image.source',
    'image.source.url',
    'mask',
    'mask.source',
    'mask.source.url',
    'colorDecontamination',
  ]),
  fillMaskedAreas: honoured(MASKING, [
    'image',
    'image.source',
    'image.source.url',
    'masks',
    'masks[].source',
    'masks[].source.url',
  ]),
};

/** Operations the emulator does not run at all: every field is refused with the operation. */
export const refusedOperations: Readonly<Partial<Record<OperationId, string>>> = {
  photoshopActions: 'playing Photoshop actions (.atn)',
  actionJsonCreate: 'converting .atn actions to actionJSON',
  maskBodyParts: 'segmenting body parts (the emulator has no body-part model)',
};

/**
 * The decision for a schema path: its own, or the refusal of an ancestor (a refused block refuses
 * every field in it). Undefined when neither exists.
 */
export function decisionFor(table: FieldTable, path: string): FieldDecision | undefined {
  const own = table[path];
  if (own) return own;
  for (let i = path.length - 1; i > 0; i -= 1) {
    if (path[i] !== '.' && path[i] !== '[') continue;
    const ancestor = table[path.slice(0, i).replace(/(\[\])+$/, '')];
    if (ancestor?.kind === 'refused') return ancestor;
  }
  return undefined;
}
